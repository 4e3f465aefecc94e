import ArgumentParser
import Foundation
import HeraldApp
import HeraldCore
import HeraldServer
import Logging
import ServiceLifecycle

@main
struct Heraldd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heraldd",
        abstract: "The Herald daemon: takes commands on a Unix socket and keeps the event log.",
        version: HeraldVersion.current,
        subcommands: [Serve.self, GenerateKey.self],
        defaultSubcommand: Serve.self)
}

struct GenerateKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-key",
        abstract: "Write a new secrets key: 32 random bytes, in a new file of mode 0600.",
        discussion: """
            Give it to heraldd with --secrets-key-file to seal webhook URLs and signing secrets before they \
            enter the log. An existing file is never overwritten: a lost key loses every secret sealed with it.
            """)

    @Argument(help: "The file to create.")
    var path: String

    func run() throws {
        do {
            try SecretsKeyFile.generate(at: path)
        } catch {
            throw ValidationError("\(error)")
        }
        print("wrote a new secrets key to \(path) (mode 0600); keep a copy somewhere safe: without it the secrets it seals are lost")
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon (the default).",
        discussion: """
            Each option can also be set with the environment variable named in its help. Defaults: as root, \
            /run/herald/herald.sock and /var/lib/herald/herald.db; otherwise \
            $XDG_RUNTIME_DIR/herald/herald.sock (or /tmp/herald-$UID/herald.sock) and \
            $XDG_DATA_HOME/herald/herald.db (or ~/.local/share/herald/herald.db).
            SIGTERM or SIGINT shuts the daemon down gracefully.
            """)

    @Option(help: "The Unix socket to listen on. (HERALD_SOCKET)")
    var socket: String?

    @Option(help: "The SQLite event log. (HERALD_DB)")
    var db: String?

    @Option(help: "The socket file's mode, in octal. (HERALD_SOCKET_MODE)")
    var socketMode: String?

    @Flag(help: "Relax durability to synchronous=NORMAL: faster, but a power cut may lose the last commits. (HERALD_RELAXED_DURABILITY=1)")
    var relaxedDurability = false

    @Option(name: .customLong("allow-uid"), help: "Also allow callers with this uid. Repeatable. (HERALD_ALLOW_UIDS, comma-separated)")
    var allowUIDs: [UInt32] = []

    @Option(name: .customLong("allow-gid"), help: "Also allow callers with this primary gid. Repeatable. (HERALD_ALLOW_GIDS)")
    var allowGIDs: [UInt32] = []

    @Option(
        name: .customLong("allow-host"),
        help: ArgumentHelp(
            "Exempt HOST[:PORT] from the SSRF and URL-shape checks. Repeatable; off by default. (HERALD_ALLOW_HOSTS)",
            valueName: "host[:port]"))
    var allowHosts: [String] = []

    @Option(help: "The largest frame accepted, in bytes. (HERALD_MAX_FRAME_BYTES)")
    var maxFrameBytes: Int?

    @Option(help: "The most bytes of data one published event may carry; below --max-frame-bytes. (HERALD_MAX_EVENT_BYTES; default 1048576)")
    var maxEventBytes: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error. (HERALD_LOG_LEVEL)")
    var logLevel: String?

    @Option(help: "Waits before each retry after a failed attempt. (HERALD_RETRY_SCHEDULE)")
    var retrySchedule: String?

    @Option(help: "The bound on one whole delivery attempt. (HERALD_ATTEMPT_TIMEOUT)")
    var attemptTimeout: String?

    @Option(help: "Trust the certificate authorities in this PEM file too, for HTTPS deliveries. (HERALD_CA_FILE)")
    var caFile: String?

    @Option(help: "Delivery attempts in flight at once, over all integrations. (HERALD_MAX_CONCURRENT_DELIVERIES)")
    var maxConcurrentDeliveries: Int?

    @Option(help: "standard paces each webhook by its platform's rate limit; off sends as fast as allowed. (HERALD_PACING)")
    var pacing: String?

    @Option(
        help: """
            Seal webhook URLs and signing secrets with the 32-byte key in this file (mode 0600; see heraldd \
            generate-key) before they enter the log. (HERALD_SECRETS_KEY_FILE)
            """)
    var secretsKeyFile: String?

    @Option(
        help: """
            A key that sealed secrets before the current one: they are opened with it and sealed again with \
            --secrets-key-file at start. Repeatable. (HERALD_SECRETS_PREVIOUS_KEY_FILES, comma-separated)
            """)
    var secretsPreviousKeyFile: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let uid = getuid()
        var configuration = DaemonConfiguration(
            socketPath: socket ?? DefaultPaths.socket(uid: uid, environment: environment),
            databasePath: db ?? DefaultPaths.database(uid: uid, environment: environment))
        if let mode = socketMode ?? environment["HERALD_SOCKET_MODE"] {
            guard let parsed = UInt16(mode, radix: 8), parsed <= 0o777 else {
                throw ValidationError("--socket-mode must be an octal mode such as 600 or 660, not '\(mode)'")
            }
            configuration.socketMode = parsed
        }
        if relaxedDurability || environment["HERALD_RELAXED_DURABILITY"] == "1" { configuration.synchronous = .normal }
        let uids = try allowUIDs + Self.list(environment["HERALD_ALLOW_UIDS"]).map { try Self.number($0, UInt32.self, "HERALD_ALLOW_UIDS") }
        let gids = try allowGIDs + Self.list(environment["HERALD_ALLOW_GIDS"]).map { try Self.number($0, UInt32.self, "HERALD_ALLOW_GIDS") }
        configuration.peerPolicy = PeerPolicy(allowedUIDs: Set([uid] + uids), allowedGIDs: Set(gids))
        let hosts = allowHosts + Self.list(environment["HERALD_ALLOW_HOSTS"])
        do {
            configuration.allowList = try HostAllowList(hosts)
        } catch {
            throw ValidationError(error.message)
        }
        if let bytes = try maxFrameBytes ?? environment["HERALD_MAX_FRAME_BYTES"].map({ try Self.number($0, Int.self, "HERALD_MAX_FRAME_BYTES") }) {
            guard bytes >= 1024, bytes <= Int(UInt32.max) else {
                throw ValidationError("--max-frame-bytes must be between 1024 and \(UInt32.max)")
            }
            configuration.maximumFrameSize = bytes
        }
        if let bytes = try maxEventBytes ?? environment["HERALD_MAX_EVENT_BYTES"].map({ try Self.number($0, Int.self, "HERALD_MAX_EVENT_BYTES") }) {
            configuration.maximumEventBytes = bytes
        }
        // A publish frame carries the data and the envelope and message around it.
        let eventRoom = configuration.maximumFrameSize - 4096
        guard configuration.maximumEventBytes >= 1, configuration.maximumEventBytes <= eventRoom else {
            throw ValidationError(
                "--max-event-bytes must be between 1 and \(eventRoom), 4096 below --max-frame-bytes (\(configuration.maximumFrameSize))")
        }
        let level = try Self.level(logLevel ?? environment["HERALD_LOG_LEVEL"] ?? "info")
        do {
            var policy = RetryPolicy.standard
            if let schedule = retrySchedule ?? environment["HERALD_RETRY_SCHEDULE"] {
                policy.schedule = try RetryPolicy.parseSchedule(schedule)
            }
            if let timeout = attemptTimeout ?? environment["HERALD_ATTEMPT_TIMEOUT"] {
                policy.attemptTimeout = try RetryPolicy.parseDuration(timeout)
                guard policy.attemptTimeout > .zero else { throw DomainError.invalidArgument("--attempt-timeout must be more than 0") }
            }
            configuration.retryPolicy = policy
        } catch let error as DomainError {
            throw ValidationError(error.message)
        }
        if let caFile = caFile ?? environment["HERALD_CA_FILE"] {
            guard FileManager.default.isReadableFile(atPath: caFile) else { throw ValidationError("cannot read --ca-file \(caFile)") }
            configuration.caFile = caFile
        }
        if let limit = try maxConcurrentDeliveries
            ?? environment["HERALD_MAX_CONCURRENT_DELIVERIES"].map({ try Self.number($0, Int.self, "HERALD_MAX_CONCURRENT_DELIVERIES") })
        {
            guard limit >= 1 else { throw ValidationError("--max-concurrent-deliveries must be at least 1") }
            configuration.maximumConcurrentDeliveries = limit
        }
        switch pacing ?? environment["HERALD_PACING"] ?? "standard" {
        case "standard": configuration.pacing = .standard
        case "off": configuration.pacing = .unpaced
        case let other: throw ValidationError("--pacing must be standard or off, not '\(other)'")
        }

        // Started by systemd's socket activation: its socket, as it made it (no unlink, no chmod).
        do {
            if let passed = try Systemd.passedSocket() {
                configuration.inheritedSocket = passed.descriptor
                configuration.socketPath = passed.path
            }
        } catch {
            FileHandle.standardError.write(Data("heraldd: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let previousKeys = secretsPreviousKeyFile + Self.list(environment["HERALD_SECRETS_PREVIOUS_KEY_FILES"])
        do {
            configuration.secrets = try SecretsKeyFile.ring(
                key: secretsKeyFile ?? environment["HERALD_SECRETS_KEY_FILE"], previous: previousKeys)
        } catch {
            throw ValidationError("\(error)")
        }

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "heraldd")
        if configuration.secrets.keyID == nil {
            logger.notice("webhook URLs and signing secrets are stored unencrypted in the log; --secrets-key-file seals them")
        }
        if !configuration.allowList.isEmpty {
            logger.warning(
                "SSRF and URL-shape checks are off for allow-listed hosts",
                metadata: [
                    "hosts": "\(hosts)"
                ])
        }
        do {
            let socketPath = configuration.socketPath
            let daemon = try HeraldDaemon(
                configuration: configuration, logger: logger,
                onListening: { Systemd.notify("READY=1\nSTATUS=listening on \(socketPath)") },
                onStopping: { Systemd.notify("STOPPING=1") })
            try await daemon.serviceGroup(signals: [.sigterm, .sigint], logger: logger).run()
        } catch {
            logger.critical("heraldd stopped", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }

    static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A number from the environment: refused, like the same flag value, when it doesn't parse.
    static func number<T: FixedWidthInteger>(_ text: String, _ type: T.Type, _ variable: String) throws -> T {
        guard let value = T(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\(variable): '\(text)' is not a number")
        }
        return value
    }

    static func level(_ name: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: name.lowercased()) else {
            throw ValidationError("unknown log level '\(name)'")
        }
        return level
    }
}
