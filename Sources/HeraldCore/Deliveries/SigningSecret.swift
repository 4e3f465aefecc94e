import Foundation

/// Standard Webhooks secrets: "whsec_" and the base64 of 32 random bytes.
public enum SigningSecret {
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<4 { withUnsafeBytes(of: generator.next()) { bytes += $0 } }
        return "whsec_" + Data(bytes).base64EncodedString()
    }

    /// The key bytes of a secret, or nil when it is not one.
    public static func key(_ secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_"), let data = Data(base64Encoded: String(secret.dropFirst(6))) else { return nil }
        return Array(data)
    }
}
