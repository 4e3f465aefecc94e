import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A program a test runs, spawned and reaped here rather than by Foundation's `Process`, whose
/// `waitUntilExit` was seen to wait for ever on a child that had already exited (a zombie nobody
/// reaped) when several tests ran programs at once. Waiting here is `waitpid` on the child itself.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with the test's environment and `environment` over it. Standard input is
    /// /dev/null unless `stdin` names a file; standard output and error are appended to the files
    /// named, or dropped.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
        stdout: String? = nil, stderr: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        // A child starts with no signal blocked and every signal at its default, whatever the
        // test process has done with its own.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        self.pid = pid
    }

    /// The exit status once the child has ended (the signal's number if a signal ended it, as
    /// `Process` reports it), or nil while it runs. Never blocks.
    public var exitStatus: Int32? { reap(options: WNOHANG) }

    public var isRunning: Bool { exitStatus == nil }

    /// Waits for the child to end and returns its exit status. Blocks the calling thread: for
    /// programs that end by themselves at once.
    @discardableResult
    public func waitForExit() -> Int32 { reap(options: 0) ?? -1 }

    /// Waits at most `timeout`, sleeping between looks rather than blocking a thread; nil if the
    /// child still runs then.
    public func exit(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return exitStatus
    }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    private func reap(options: Int32) -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, options) } while result < 0 && errno == EINTR
            guard result == pid else { return nil }
            // The wait(2) macros, which Swift does not import: low 7 bits the signal, else the code.
            let signal = status & 0x7f
            reaped = signal == 0 ? (status >> 8) & 0xff : signal
            return reaped
        }
    }
}

extension ChildProcess {
    /// What a program that ends by itself printed, and how it ended.
    public struct Finished: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `executable` to its end, its output gathered in files of a temporary folder.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil
    ) throws -> Finished {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let child = try ChildProcess(
            executable, arguments, environment: environment, stdin: stdin, stdout: "\(folder)/out", stderr: "\(folder)/err")
        let status = child.waitForExit()
        func read(_ name: String) -> String { (try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)) ?? "" }
        return Finished(status: status, stdout: read("out"), stderr: read("err"))
    }
}
