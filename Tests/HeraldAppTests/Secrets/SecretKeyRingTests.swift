import HeraldCore
import Testing

@testable import HeraldApp

@Suite struct SecretKeyRingTests {
    static let key = [UInt8](repeating: 7, count: 32)
    static let otherKey = [UInt8](repeating: 9, count: 32)
    static let url = "https://hooks.example.com/services/T000/B000/token-that-is-secret"

    @Test func aSealedSecretOpensToItselfAndShowsOnlyItsHint() throws {
        let ring = try SecretKeyRing(key: Self.key)
        let sealed = ring.sealURL(Self.url)
        #expect(sealed.hasPrefix("sealed:v1:\(ring.keyID!):"))
        #expect(!sealed.contains("token-that-is-secret"))
        #expect(try ring.open(sealed) == Self.url)
        #expect(WebhookURL.mask(sealed) == WebhookURL.mask(Self.url), "the masked form is shown without the key")
        #expect(WebhookURL.mask(sealed) == "https://hooks.example.com/services/…")
    }

    @Test func sealingIsDeterministicPerKey() throws {
        let ring = try SecretKeyRing(key: Self.key)
        #expect(ring.sealURL(Self.url) == ring.sealURL(Self.url), "the views find an integration by its sealed URL")
        #expect(ring.sealURL(Self.url) != ring.sealURL(Self.url + "x"))
        let other = try SecretKeyRing(key: Self.otherKey)
        #expect(other.sealURL(Self.url) != ring.sealURL(Self.url))
        #expect(other.keyID != ring.keyID)
    }

    @Test func aChangedHintOrBoxDoesNotOpen() throws {
        let ring = try SecretKeyRing(key: Self.key)
        let sealed = try #require(SealedText(parsing: ring.seal("whsec_abc", hint: "shown")))
        let forgedHint = SealedText(keyID: sealed.keyID, box: sealed.box, hint: "https://evil.example/").text
        #expect(throws: SecretKeyError.self) { try ring.open(forgedHint) }
        var box = Array(sealed.box)
        box[box.count / 2] = box[box.count / 2] == "A" ? "B" : "A"
        #expect(throws: SecretKeyError.self) { try ring.open(SealedText(keyID: sealed.keyID, box: String(box), hint: sealed.hint).text) }
    }

    @Test func aSecretOfAnotherKeyIsRefusedWithItsKeyNamed() throws {
        let sealed = try SecretKeyRing(key: Self.otherKey).seal("whsec_abc")
        let ring = try SecretKeyRing(key: Self.key)
        let error = try #require(throws: SecretKeyError.self) { try ring.open(sealed) }
        #expect(error.description.contains(try SecretKeyRing(key: Self.otherKey).keyID!))
        let keyless = try #require(throws: SecretKeyError.self) { try SecretKeyRing.none.open(sealed) }
        #expect(keyless.description.contains("without --secrets-key-file"))
    }

    @Test func previousKeysOpenAndTheCurrentOneReseals() throws {
        let old = try SecretKeyRing(key: Self.otherKey)
        let sealedBefore = old.seal("whsec_abc")
        let rotated = try SecretKeyRing(key: Self.key, previous: [Self.otherKey])
        #expect(try rotated.open(sealedBefore) == "whsec_abc")
        #expect(rotated.needsResealing(sealedBefore))
        #expect(rotated.needsResealing("whsec_in_clear"))
        let resealed = try rotated.resealed(sealedBefore)
        #expect(!rotated.needsResealing(resealed))
        #expect(try SecretKeyRing(key: Self.key).open(resealed) == "whsec_abc", "the previous key is needed no longer")
        #expect(!rotated.needsResealing(""), "no secret, nothing to seal")
    }

    @Test func withoutAKeySecretsStayAsTheyAre() throws {
        #expect(SecretKeyRing.none.sealURL(Self.url) == Self.url)
        #expect(try SecretKeyRing.none.open(Self.url) == Self.url)
        #expect(!SecretKeyRing.none.needsResealing(Self.url))
        #expect(SecretKeyRing.none.keyID == nil)
    }

    @Test func aKeyIsThirtyTwoBytes() {
        #expect(throws: SecretKeyError.self) { try SecretKeyRing(key: [1, 2, 3]) }
        #expect(throws: SecretKeyError.self) { try SecretKeyRing(key: Self.key, previous: [[UInt8](repeating: 0, count: 31)]) }
    }
}
