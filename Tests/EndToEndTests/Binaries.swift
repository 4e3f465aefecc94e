import Foundation
import HeraldClient
import TestSupport

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

/// Runs any program and waits for it.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    try run(executable, arguments, environment: environment)
}

private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let finished = try ChildProcess.run(executable, arguments, environment: environment)
    return CommandResult(status: finished.status, stdout: finished.stdout, stderr: finished.stderr)
}

/// A running `heraldd` process on a socket and database in `directory`.
final class DaemonProcess {
    let directory: String
    let socket: String
    let database: String
    var extraArguments: [String]
    /// Somewhere other than `directory` for the database (a mount of the test's own).
    var databaseOverride: String?
    private(set) var process: ChildProcess?
    let logPath: String

    init(directory: String, arguments: [String] = []) {
        self.directory = directory
        socket = "\(directory)/run/herald.sock"
        database = "\(directory)/herald.db"
        logPath = "\(directory)/heraldd.log"
        extraArguments = arguments
    }

    func start() async throws {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = try ChildProcess(
            Binaries.heraldd, ["--socket", socket, "--db", databaseOverride ?? database, "--allow-host", "hooks.slack.com"] + extraArguments,
            stdout: logPath, stderr: logPath)
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
        guard let process else { return 0 }
        process.signal(signal)
        return process.waitForExit()
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
