/// A secret as the log keeps it when heraldd has a secrets key: `sealed:v1:KEY:BOX:HINT`.
///
/// `KEY` names the key that sealed it (8 hex digits), `BOX` is the AES-GCM nonce, ciphertext and tag in base64url,
/// and `HINT` is what may be shown in its place (a webhook URL's masked form; empty for a signing
/// secret). The hint is outside the box, so masking, listing and replaying never need the key; it
/// is authenticated with it, so it can't be changed unnoticed. Text without the prefix is a secret
/// stored in clear, as a log written without a key holds it.
public struct SealedText: Sendable, Equatable {
    public static let prefix = "sealed:v1:"

    public let keyID: String
    public let box: String
    public let hint: String

    public init(keyID: String, box: String, hint: String) {
        self.keyID = keyID
        self.box = box
        self.hint = hint
    }

    /// Nil when `text` is not sealed text.
    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let parts = text.dropFirst(Self.prefix.count).split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count == 8, parts[0].utf8.allSatisfy(Self.isHexDigit),
            !parts[1].isEmpty, parts[1].utf8.allSatisfy(Self.isBase64URL)
        else { return nil }
        self.init(keyID: String(parts[0]), box: String(parts[1]), hint: String(parts[2]))
    }

    public var text: String { Self.prefix + keyID + ":" + box + ":" + hint }

    /// What the box's authentication covers besides its contents.
    public var authenticatedData: String { Self.prefix + keyID + ":" + hint }

    public static func isSealed(_ text: String) -> Bool { text.hasPrefix(prefix) }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
