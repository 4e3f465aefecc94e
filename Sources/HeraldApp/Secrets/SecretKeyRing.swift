import Crypto
import Foundation
import HeraldCore

/// Seals webhook URLs and signing secrets with AES-256-GCM before they enter the log, and opens
/// them where the clear text is needed: to send a request, and to answer the command that set them.
///
/// Sealing is deterministic: the nonce is an HMAC of the clear text (the synthetic-IV construction),
/// so the same secret under the same key always seals to the same text. A nonce then repeats only
/// with its own clear text, which GCM tolerates; and the views can still find an integration by its
/// sealed URL, which a connect needs to spot the same webhook connected twice. What that reveals is
/// only which integrations share a URL, which the views must know anyway.
///
/// The first key seals; every key opens. Rotating is starting with a new key and the old one as
/// `previous`: `resealing` finds what the new key didn't seal.
public struct SecretKeyRing: Sendable {
    public static let keyByteCount = 32

    struct Key: Sendable {
        let id: String
        // Kept as bytes: SymmetricKey isn't Sendable, and making one from bytes costs nothing.
        private let sealingBytes: [UInt8]
        private let nonceBytes: [UInt8]
        var sealing: SymmetricKey { SymmetricKey(data: sealingBytes) }
        var nonce: SymmetricKey { SymmetricKey(data: nonceBytes) }

        init(_ bytes: [UInt8]) {
            let material = SymmetricKey(data: bytes)
            func derive(_ info: String) -> [UInt8] {
                HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data(info.utf8), outputByteCount: 32).withUnsafeBytes { Array($0) }
            }
            sealingBytes = derive("herald seal v1")
            nonceBytes = derive("herald nonce v1")
            let digest = SHA256.hash(data: Data("herald key id v1".utf8) + bytes)
            id = digest.prefix(4).map { String(format: "%02x", $0) }.joined()
        }
    }

    let current: Key?
    let keys: [Key]

    /// No key: secrets are stored in clear.
    public static let none = SecretKeyRing(current: nil, keys: [])

    private init(current: Key?, keys: [Key]) {
        self.current = current
        self.keys = keys
    }

    /// `key` seals from now on; it and each of `previous` open.
    public init(key: [UInt8], previous: [[UInt8]] = []) throws(SecretKeyError) {
        for bytes in [key] + previous where bytes.count != Self.keyByteCount {
            throw SecretKeyError("a secrets key is \(Self.keyByteCount) bytes, not \(bytes.count)")
        }
        let current = Key(key)
        self.init(current: current, keys: [current] + previous.map(Key.init))
    }

    /// The sealing key's id (8 hex digits, from the key; not secret), or nil without a key.
    public var keyID: String? { current?.id }

    /// `secret` sealed, carrying `hint` in clear; unchanged without a key, and "" stays "".
    public func seal(_ secret: String, hint: String = "") -> String {
        guard let current, !secret.isEmpty, !SealedText.isSealed(secret) else { return secret }
        let placeholder = SealedText(keyID: current.id, box: "-", hint: hint)
        let aad = Data(placeholder.authenticatedData.utf8)
        let clear = Data(secret.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: aad + [0] + clear, using: current.nonce)
        do {
            let nonce = try AES.GCM.Nonce(data: Data(mac).prefix(12))
            let box = try AES.GCM.seal(clear, using: current.sealing, nonce: nonce, authenticating: aad)
            guard let combined = box.combined else { return secret }
            return SealedText(keyID: current.id, box: Self.base64URL(combined), hint: hint).text
        } catch {
            // Neither fails for a 12-byte nonce and a 256-bit key.
            preconditionFailure("AES-GCM refused a well-formed seal: \(error)")
        }
    }

    /// A URL sealed with its masked form as the hint.
    public func sealURL(_ url: String) -> String {
        guard current != nil else { return url }
        return seal(url, hint: WebhookURL.mask(url))
    }

    /// The clear text of `text`: sealed text opened, anything else as it is.
    public func open(_ text: String) throws(SecretKeyError) -> String {
        guard SealedText.isSealed(text) else { return text }
        guard let sealed = SealedText(parsing: text), let combined = Self.data(base64URL: sealed.box) else {
            throw SecretKeyError("a sealed secret in the log is malformed")
        }
        guard let key = keys.first(where: { $0.id == sealed.keyID }) else {
            throw SecretKeyError(
                keys.isEmpty
                    ? "a secret in the log is sealed with key \(sealed.keyID), and heraldd was started without --secrets-key-file"
                    : "a secret in the log is sealed with key \(sealed.keyID), which no --secrets-key-file or --secrets-previous-key-file gives")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let clear = try AES.GCM.open(box, using: key.sealing, authenticating: Data(sealed.authenticatedData.utf8))
            return String(decoding: clear, as: UTF8.self)
        } catch {
            throw SecretKeyError("a secret sealed with key \(sealed.keyID) does not open: the log or the key file is damaged")
        }
    }

    /// Whether `text` needs sealing again: in clear while there is a key, or sealed by a key other
    /// than the current one.
    public func needsResealing(_ text: String) -> Bool {
        guard let current, !text.isEmpty else { return false }
        return SealedText(parsing: text)?.keyID != current.id
    }

    /// `text` sealed with the current key, opening it first if it is sealed.
    public func resealed(_ text: String, hint: String = "") throws(SecretKeyError) -> String {
        seal(try open(text), hint: hint)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// A secrets key that can't be used, or a sealed secret that can't be opened.
public struct SecretKeyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
