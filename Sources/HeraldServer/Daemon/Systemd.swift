import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What systemd hands a service and expects back, spoken directly rather than through libsystemd:
/// socket activation (sd_listen_fds(3)) and readiness notification (sd_notify(3)).
public enum Systemd {
    /// The first descriptor systemd passes (SD_LISTEN_FDS_START).
    static let firstPassedDescriptor: Int32 = 3

    public struct ActivationError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The listening socket systemd passed to this process, if it passed one: checked to be a
    /// listening Unix stream socket, and marked close-on-exec. The `LISTEN_*` variables are
    /// removed, as sd_listen_fds does, so that no child takes the socket for its own.
    public static func passedSocket() throws(ActivationError) -> (descriptor: Int32, path: String)? {
        let environment = ProcessInfo.processInfo.environment
        guard let pid = environment["LISTEN_PID"], let count = environment["LISTEN_FDS"] else { return nil }
        // Meant for another process (heraldd was started by the one systemd activated).
        guard pid_t(pid) == getpid() else { return nil }
        for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(name) }
        guard count == "1" else {
            throw ActivationError(
                description: "systemd passed LISTEN_FDS=\(count) sockets; heraldd listens on exactly one (one ListenStream= in heraldd.socket)")
        }
        let descriptor = firstPassedDescriptor
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
        }
        guard let domain = option(SO_DOMAIN) else {
            throw ActivationError(description: "descriptor 3, which systemd passed, is not a socket: \(String(cString: strerror(errno)))")
        }
        guard domain == AF_UNIX else { throw ActivationError(description: "the socket systemd passed is not a Unix socket (ListenStream= must be a path)") }
        guard option(SO_TYPE) == Int32(SOCK_STREAM.rawValue) else {
            throw ActivationError(description: "the socket systemd passed is not a stream socket (use ListenStream=, not ListenDatagram=)")
        }
        guard option(SO_ACCEPTCONN) == 1 else { throw ActivationError(description: "the socket systemd passed is not listening") }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return (descriptor, boundPath(descriptor) ?? "(passed by systemd)")
    }

    /// The path a Unix socket is bound to.
    private static func boundPath(_ descriptor: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0 else { return nil }
        return withUnsafeBytes(of: address.sun_path) { bytes in
            let path = bytes.prefix { $0 != 0 }
            return path.isEmpty ? nil : String(decoding: path, as: UTF8.self)
        }
    }

    /// Tells the service manager `state` ("READY=1", "STOPPING=1") when `NOTIFY_SOCKET` names one;
    /// does nothing otherwise. One datagram, sent without waiting: a manager that doesn't read
    /// must not hold up the daemon.
    @discardableResult
    public static func notify(_ state: String) -> Bool {
        guard let target = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !target.isEmpty else { return false }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(target.utf8)
        // "@name" is a socket in the abstract namespace: its name starts with a NUL byte.
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.count < capacity, path.first == 0 || path.first == UInt8(ascii: "/") else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), address, length) }
            }
        }
        return sent == bytes.count
    }
}
