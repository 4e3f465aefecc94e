import Foundation
import HeraldWire
import NIOPosix

/// A blocking Unix-socket client that sends whatever bytes a test likes. Its waits run on a thread
/// pool, never on one of Swift's few cooperative threads: a test blocking those would starve the
/// daemon's own tasks, in process, of the threads they need to answer it.
public final class RawSocket: @unchecked Sendable {
    public let fd: Int32

    public init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Sends as much of `bytes` as the socket takes now, without waiting; returns how much. It never
    /// blocks the calling thread, which may be one of Swift's few cooperative ones.
    @discardableResult
    public func sendWithoutWaiting(_ bytes: [UInt8]) -> Int {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            guard sent > 0 else { break }
            offset += sent
        }
        return offset
    }

    /// Gives up on a send that can't proceed for this long.
    public func setSendTimeout(seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    @discardableResult
    public func sendFrame(_ body: [UInt8]) -> Bool {
        var header = [UInt8](repeating: 0, count: 4)
        let length = UInt32(body.count)
        for index in 0..<4 { header[index] = UInt8(truncatingIfNeeded: length >> (24 - 8 * index)) }
        return send(header + body)
    }

    /// Reads until EOF or timeout; true if the peer closed the connection.
    public func waitForClose() async -> Bool {
        (try? await NIOThreadPool.singleton.runIfActive { self.blockingWaitForClose() }) ?? false
    }

    private func blockingWaitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return false }
        }
    }

    /// Reads one response frame, or throws after 5 s without one.
    public func readResponse() async throws -> ResponseEnvelope {
        try await NIOThreadPool.singleton.runIfActive { try self.blockingReadResponse() }
    }

    private func blockingReadResponse() throws -> ResponseEnvelope {
        let header = try read(4)
        let length = header.reduce(0) { $0 << 8 | Int($1) }
        return try ResponseEnvelope(wireBytes: try read(length))
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: count)
        while result.count < count {
            let got = recv(fd, &buffer, count - result.count, 0)
            guard got > 0 else { throw got == 0 ? POSIXError(.ECONNRESET) : POSIXError(.ETIMEDOUT) }
            result += buffer.prefix(got)
        }
        return result
    }
}
