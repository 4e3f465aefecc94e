import Foundation

extension [UInt8] {
    /// `count` bytes from the system's generator, which reads getrandom(2): fit for keys.
    public static func random(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count { Swift.withUnsafeBytes(of: generator.next()) { bytes += $0 } }
        return Array(bytes.prefix(count))
    }
}

/// Standard Webhooks secrets: "whsec_" and the base64 of 32 random bytes.
public enum SigningSecret {
    public static func random() -> String {
        "whsec_" + Data([UInt8].random(count: 32)).base64EncodedString()
    }

    /// The key bytes of a secret, or nil when it is not one.
    public static func key(_ secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))) else { return nil }
        return Array(data)
    }
}
