import Foundation
import HeraldApp
import HeraldCore

#if canImport(Glibc)
    import Glibc
#endif

/// The file a secrets key lives in: exactly 32 random bytes, readable by its owner alone.
public enum SecretsKeyFile {
    /// Writes a new key to `path`, which must not exist yet.
    public static func generate(at path: String) throws(SecretKeyError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it exists, and a key is never overwritten" : String(cString: strerror(errno))
            throw SecretKeyError("cannot create \(path): \(reason)")
        }
        defer { close(descriptor) }
        let key = [UInt8].random(count: SecretKeyRing.keyByteCount)
        let written = key.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == key.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw SecretKeyError("cannot write \(path): \(reason)")
        }
    }

    /// The key in `path`, refused if the file is not private to its owner or is not a key.
    public static func read(_ path: String) throws(SecretKeyError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SecretKeyError("cannot read secrets key file \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw SecretKeyError("secrets key file \(path) is not a regular file") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw SecretKeyError(
                "secrets key file \(path) can be read by others (mode \(String(mode, radix: 8))): chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretKeyError("cannot read secrets key file \(path)")
        }
        guard data.count == SecretKeyRing.keyByteCount else {
            throw SecretKeyError(
                "secrets key file \(path) holds \(data.count) bytes, not \(SecretKeyRing.keyByteCount): make one with heraldd generate-key")
        }
        return [UInt8](data)
    }

    /// The key ring the files give: none without a key; previous keys need a current one.
    public static func ring(key: String?, previous: [String]) throws(SecretKeyError) -> SecretKeyRing {
        guard let key else {
            guard previous.isEmpty else { throw SecretKeyError("--secrets-previous-key-file needs --secrets-key-file") }
            return .none
        }
        var previousKeys: [[UInt8]] = []
        for path in previous { previousKeys.append(try read(path)) }
        return try SecretKeyRing(key: try read(key), previous: previousKeys)
    }
}
