import Foundation
import HeraldClient

/// The built `heraldd` and `herald`, run as a user would run them.
enum Binaries {
    static let directory: String = {
        if let explicit = ProcessInfo.processInfo.environment["HERALD_BIN_DIR"] { return explicit }
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        // In a test bundle, argv[0] may sit inside the .xctest directory.
        candidates.append(candidates[0].deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("heraldd").path) }?.path
            ?? candidates.last!.path
    }()

    static var heraldd: String { "\(directory)/heraldd" }
    static var herald: String { "\(directory)/herald" }
}

struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `herald` with arguments and waits for it.
func herald(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    try run(Binaries.herald, arguments, environment: environment)
}

/// Runs `heraldd` with arguments and waits for it: for what exits at once (a subcommand, a refusal).
func heraldd(_ arguments: [String]) throws -> CommandResult {
    try run(Binaries.heraldd, arguments)
}

private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// A running `heraldd` process on a socket and database in `directory`.
final class DaemonProcess {
    let directory: String
    let socket: String
    let database: String
    var extraArguments: [String]
    /// Somewhere other than `directory` for the database (a mount of the test's own).
    var databaseOverride: String?
    private(set) var process: Process?
    let logPath: String

    init(directory: String, arguments: [String] = []) {
        self.directory = directory
        socket = "\(directory)/run/herald.sock"
        database = "\(directory)/herald.db"
        logPath = "\(directory)/heraldd.log"
        extraArguments = arguments
    }

    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.heraldd)
        process.arguments = ["--socket", socket, "--db", databaseOverride ?? database, "--allow-host", "hooks.slack.com"] + extraArguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if let client = try? await HeraldClient.connect(socketPath: socket) {
                defer { Task { await client.close() } }
                if (try? await client.status()) != nil { return }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DaemonFailed(log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
    }

    /// Sends a signal and waits for the process to exit; returns its exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        guard let process, process.isRunning else { return process?.terminationStatus ?? 0 }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit { stop(SIGKILL) }
}

struct DaemonFailed: Error, CustomStringConvertible {
    let log: String
    var description: String { "heraldd did not start:\n\(log)" }
}

func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-e2e-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
