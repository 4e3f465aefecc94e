import Testing

@testable import HeraldCore

@Suite struct AddressClassifierTests {
    /// (literal as it may appear in a URL host, is it public?)
    static let table: [(String, Bool)] = [
        // IPv4, dotted decimal
        ("8.8.8.8", true),
        ("1.1.1.1", true),
        ("93.184.216.34", true),
        ("0.0.0.0", false),
        ("10.0.0.1", false),
        ("10.255.255.255", false),
        ("100.64.0.1", false),  // CGNAT
        ("100.127.255.254", false),
        ("100.128.0.1", true),  // just past CGNAT
        ("127.0.0.1", false),
        ("127.255.255.254", false),
        ("169.254.169.254", false),  // cloud metadata
        ("172.16.0.1", false),
        ("172.31.255.255", false),
        ("172.32.0.1", true),
        ("192.0.0.8", false),
        ("192.0.2.1", false),  // TEST-NET-1
        ("192.88.99.1", false),
        ("192.168.1.1", false),
        ("198.18.0.1", false),  // benchmarking
        ("198.19.255.255", false),
        ("198.51.100.7", false),  // TEST-NET-2
        ("203.0.113.9", false),  // TEST-NET-3
        ("224.0.0.1", false),  // multicast
        ("239.255.255.250", false),
        ("240.0.0.1", false),  // reserved
        ("255.255.255.255", false),
        // IPv4, other spellings of loopback and private addresses
        ("2130706433", false),  // decimal 127.0.0.1
        ("0x7f000001", false),  // hex
        ("017700000001", false),  // octal
        ("0x7f.1", false),  // short form with hex
        ("127.1", false),  // short form
        ("127.0.1", false),
        ("0177.0.0.01", false),  // octal parts
        ("0xa.0x0.0x0.0x1", false),  // hex parts of 10.0.0.1
        ("3232235777", false),  // 192.168.1.1
        ("0xA9FEA9FE", false),  // 169.254.169.254
        ("127.0.0.1.", false),  // trailing dot
        ("134744072", true),  // 8.8.8.8 as one number
        ("0x08.0x08.0x08.0x08", true),
        // IPv6
        ("[::1]", false),
        ("::", false),
        ("::ffff:127.0.0.1", false),  // IPv4-mapped loopback
        ("[::ffff:7f00:1]", false),
        ("::ffff:10.1.2.3", false),
        ("::ffff:8.8.8.8", true),  // mapped public
        ("::127.0.0.1", false),  // IPv4-compatible
        ("64:ff9b::a00:1", false),  // NAT64 of 10.0.0.1
        ("64:ff9b::808:808", true),  // NAT64 of 8.8.8.8
        ("2002:7f00:1::", false),  // 6to4 of 127.0.0.1
        ("2002:c0a8:101::1", false),  // 6to4 of 192.168.1.1
        ("2002:808:808::1", true),  // 6to4 of 8.8.8.8
        ("fe80::1", false),
        ("fe80::1%eth0", false),
        ("fc00::1", false),
        ("fd12:3456::1", false),
        ("fec0::1", false),
        ("ff02::1", false),
        ("2001:db8::1", false),  // documentation
        ("3fff::1", false),  // documentation (2024)
        ("2001::1", false),  // Teredo
        ("100::1", false),  // discard
        ("2606:4700:4700::1111", true),
        ("2a00:1450:4001:80b::200e", true),
        ("4000::1", false),  // outside 2000::/3
    ]

    @Test(arguments: table)
    func classifies(_ literal: String, _ isPublic: Bool) throws {
        let address = try #require(IPAddress(literal: literal), "\(literal) should parse")
        #expect(AddressClassifier.isPublic(address) == isPublic, "\(literal) -> \(address)")
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.table.count >= 40)
    }

    @Test(arguments: ["example.com", "hooks.slack.com", "256.1.1.1", "1.2.3.4.5", "0x1g", "", "[::1", "::g"])
    func notALiteral(_ text: String) {
        #expect(IPAddress(literal: text) == nil)
    }

    @Test func numericLooking() {
        #expect(IPAddress.looksNumeric("1.2.3.256"))
        #expect(IPAddress.looksNumeric("evil.0x10"))
        #expect(!IPAddress.looksNumeric("hooks.slack.com"))
        #expect(!IPAddress.looksNumeric("v1.example"))
    }

    @Test func spellingsNormalise() {
        #expect(IPAddress(literal: "0x7f.1")?.description == "127.0.0.1")
        #expect(IPAddress(literal: "[::ffff:7f00:1]")?.description == "::ffff:127.0.0.1")
    }

    @Test func reasonsNameTheRange() {
        #expect(AddressClassifier.nonPublicReason(.v4(0xA9FE_A9FE))?.contains("link-local") == true)
        #expect(AddressClassifier.nonPublicReason(IPAddress(literal: "::ffff:10.0.0.1")!)?.contains("IPv4-mapped private") == true)
    }
}
