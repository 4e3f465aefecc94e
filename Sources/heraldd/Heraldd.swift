import ArgumentParser
import Foundation
import HeraldCore
import HeraldServer
import Logging
import ServiceLifecycle

@main
struct Heraldd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heraldd",
        abstract: "The Herald daemon: takes commands on a Unix socket and keeps the event log.",
        discussion: """
            Each option can also be set with the environment variable named in its help. Defaults: as root, \
            /run/herald/herald.sock and /var/lib/herald/herald.db; otherwise \
            $XDG_RUNTIME_DIR/herald/herald.sock (or /tmp/herald-$UID/herald.sock) and \
            $XDG_DATA_HOME/herald/herald.db (or ~/.local/share/herald/herald.db).
            SIGTERM or SIGINT shuts the daemon down gracefully.
            """,
        version: "0.1.0")

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

    @Option(name: .customLong("allow-host"), help: ArgumentHelp(
        "Exempt HOST[:PORT] from the SSRF and URL-shape checks. Repeatable; off by default. (HERALD_ALLOW_HOSTS)",
        valueName: "host[:port]"))
    var allowHosts: [String] = []

    @Option(help: "The largest frame accepted, in bytes. (HERALD_MAX_FRAME_BYTES)")
    var maxFrameBytes: Int?

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
        let uids = allowUIDs + Self.list(environment["HERALD_ALLOW_UIDS"]).compactMap { UInt32($0) }
        let gids = allowGIDs + Self.list(environment["HERALD_ALLOW_GIDS"]).compactMap { UInt32($0) }
        configuration.peerPolicy = PeerPolicy(allowedUIDs: Set([uid] + uids), allowedGIDs: Set(gids))
        do {
            configuration.allowList = try HostAllowList(allowHosts + Self.list(environment["HERALD_ALLOW_HOSTS"]))
        } catch {
            throw ValidationError(error.message)
        }
        if let bytes = maxFrameBytes ?? environment["HERALD_MAX_FRAME_BYTES"].flatMap({ Int($0) }) {
            guard bytes >= 1024 else { throw ValidationError("--max-frame-bytes must be at least 1024") }
            configuration.maximumFrameSize = bytes
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
        if let limit = maxConcurrentDeliveries ?? environment["HERALD_MAX_CONCURRENT_DELIVERIES"].flatMap({ Int($0) }) {
            guard limit >= 1 else { throw ValidationError("--max-concurrent-deliveries must be at least 1") }
            configuration.maximumConcurrentDeliveries = limit
        }
        switch pacing ?? environment["HERALD_PACING"] ?? "standard" {
        case "standard": configuration.pacing = .standard
        case "off": configuration.pacing = .unpaced
        case let other: throw ValidationError("--pacing must be standard or off, not '\(other)'")
        }

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "heraldd")
        if !configuration.allowList.isEmpty {
            logger.warning("SSRF and URL-shape checks are off for allow-listed hosts", metadata: [
                "hosts": "\(allowHosts)",
            ])
        }
        let daemon = HeraldDaemon(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            logger.critical("heraldd stopped", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }

    static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func level(_ name: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: name.lowercased()) else {
            throw ValidationError("unknown log level '\(name)'")
        }
        return level
    }
}
