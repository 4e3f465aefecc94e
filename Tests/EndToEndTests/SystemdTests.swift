import Foundation
import HeraldClient
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// heraldd as systemd runs it: the shipped units pass `systemd-analyze verify`, the daemon takes
/// the socket systemd passes (here `systemd-socket-activate`, which passes it the same way), and it
/// says READY=1 and STOPPING=1 on a notify socket the test owns.
@Suite(.serialized) struct SystemdTests {
    static let units = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../dist/systemd").standardized.path

    @Test func theUnitsVerify() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The units as shipped, but for where this build's heraldd is: verify checks that it exists.
        for name in ["heraldd.service", "heraldd.socket"] {
            let text = try String(contentsOfFile: "\(Self.units)/\(name)", encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/heraldd", with: Binaries.heraldd)
                .write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
        // The man pages are installed by tools/install, not here.
        let verify = try runProcess(
            "/usr/bin/systemd-analyze", ["verify", "--man=no", "\(directory)/heraldd.socket", "\(directory)/heraldd.service"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stderr.isEmpty && verify.stdout.isEmpty, "verify complained: \(verify.stderr)")
        let service = try String(contentsOfFile: "\(Self.units)/heraldd.service", encoding: .utf8)
        for line in [
            "Type=notify", "StateDirectory=herald", "RuntimeDirectory=herald", "User=herald", "NoNewPrivileges=yes",
            "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
            "SystemCallFilter=@system-service",
        ] {
            #expect(service.contains("\n\(line)\n"), "heraldd.service lacks \(line)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func socketActivationAndReadiness() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = "\(directory)/activated.sock"
        let notify = try NotifySocket(path: "\(directory)/notify")
        let log = "\(directory)/heraldd.log"
        let process = try ChildProcess(
            "/usr/bin/systemd-socket-activate",
            ["--listen=\(socket)", "--setenv=NOTIFY_SOCKET=\(notify.path)", Binaries.heraldd, "--db", "\(directory)/herald.db"],
            stdout: log, stderr: log)
        defer { process.signal(SIGKILL) }

        // systemd-socket-activate starts heraldd on the first connection, as systemd would.
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(10)) }
        let client = try await HeraldClient.connect(socketPath: socket)
        let status = try await client.status()
        let ready = try #require(await notify.receive(timeout: .seconds(20)), "no READY=1 within 20 s")
        #expect(ready.hasPrefix("READY=1"), "\(ready)")
        #expect(status.socketPath == socket, "the status names the socket systemd passed")
        await client.close()

        process.signal(SIGTERM)
        let stopping = await notify.receive(timeout: .seconds(20))
        #expect(stopping == "STOPPING=1")
        let exitStatus = await process.exit(within: .seconds(20))
        #expect(exitStatus == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        #expect(FileManager.default.fileExists(atPath: socket), "the socket is systemd's: heraldd leaves it where it is")
    }

    @Test(.timeLimit(.minutes(1)))
    func aSocketThatIsNotAListeningStreamIsRefused() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/dgram.sock"
        let errors = "\(directory)/stderr"
        let process = try ChildProcess(
            "/usr/bin/systemd-socket-activate", ["--datagram", "--listen=\(path)", Binaries.heraldd, "--db", "\(directory)/herald.db"],
            stderr: errors)
        defer { process.signal(SIGKILL) }
        // Started on the first datagram, as systemd would start it.
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: path) { try await Task.sleep(for: .milliseconds(10)) }
        try NotifySocket.send("wake up", to: path)
        let status = await process.exit(within: .seconds(20))
        let stderr = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        #expect(status == 1, "heraldd did not exit on a datagram socket")
        #expect(stderr.contains("not a stream socket"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/herald.db"), "refused before the log opened")
    }
}

/// A datagram socket of the test's own that heraldd is told to notify (NOTIFY_SOCKET).
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit { close(descriptor) }

    /// One datagram to the socket at `path`.
    static func send(_ text: String, to path: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bytes = Array(text.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, address, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        }
        guard sent == bytes.count else { throw POSIXError(.EIO) }
    }

    /// The next datagram, or nil after `timeout`; waits on a thread of its own, not on the test's.
    func receive(timeout: Duration) async -> String? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in
                var wait = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = recv(descriptor, &buffer, buffer.count, 0)
                continuation.resume(returning: count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self) : nil)
            }
        }
    }
}
