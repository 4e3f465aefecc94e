import Foundation

/// Preparing the socket's path: a private directory, no live daemon already there, no stale file.
enum SocketFile {
    struct AlreadyRunning: Error, CustomStringConvertible {
        let path: String
        var description: String { "another heraldd is already listening on \(path)" }
    }

    struct NotASocket: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) exists and is not a socket; refusing to remove it" }
    }

    struct CannotSetMode: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot set the mode of \(path): \(reason)" }
    }

    static func setMode(_ path: String, _ mode: UInt16) throws {
        guard chmod(path, mode_t(mode)) == 0 else {
            throw CannotSetMode(path: path, reason: String(cString: strerror(errno)))
        }
    }

    static func prepare(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw NotASocket(path: path) }
        if isLive(path) { throw AlreadyRunning(path: path) }
        unlink(path)
    }

    /// True if something accepts connections on the socket.
    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        return result == 0
    }
}
