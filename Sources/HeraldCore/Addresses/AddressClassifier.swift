/// Decides whether an address is on the public internet. Everything else (loopback, private,
/// link-local, shared, multicast, reserved, documentation, and the IPv6 forms that carry such an
/// IPv4 address) is refused as a webhook target, so that a URL cannot reach inside the network.
public enum AddressClassifier {
    /// Why an address is not public, or nil when it is.
    public static func nonPublicReason(_ address: IPAddress) -> String? {
        switch address {
        case .v4(let value): return reasonV4(value)
        case .v6(let bytes): return reasonV6(bytes)
        }
    }

    public static func isPublic(_ address: IPAddress) -> Bool { nonPublicReason(address) == nil }

    private struct Block4 {
        let base: UInt32
        let bits: Int
        let reason: String
        func contains(_ value: UInt32) -> Bool {
            bits == 0 || (value >> (32 - bits)) == (base >> (32 - bits))
        }
    }

    private static func v4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 {
        a << 24 | b << 16 | c << 8 | d
    }

    private static let blocks4: [Block4] = [
        Block4(base: v4(0, 0, 0, 0), bits: 8, reason: "\"this network\" (0.0.0.0/8)"),
        Block4(base: v4(10, 0, 0, 0), bits: 8, reason: "private (10.0.0.0/8)"),
        Block4(base: v4(100, 64, 0, 0), bits: 10, reason: "shared carrier-grade NAT (100.64.0.0/10)"),
        Block4(base: v4(127, 0, 0, 0), bits: 8, reason: "loopback (127.0.0.0/8)"),
        Block4(base: v4(169, 254, 0, 0), bits: 16, reason: "link-local (169.254.0.0/16)"),
        Block4(base: v4(172, 16, 0, 0), bits: 12, reason: "private (172.16.0.0/12)"),
        Block4(base: v4(192, 0, 0, 0), bits: 24, reason: "IETF protocol assignments (192.0.0.0/24)"),
        Block4(base: v4(192, 0, 2, 0), bits: 24, reason: "documentation (192.0.2.0/24)"),
        Block4(base: v4(192, 88, 99, 0), bits: 24, reason: "6to4 relay anycast (192.88.99.0/24)"),
        Block4(base: v4(192, 168, 0, 0), bits: 16, reason: "private (192.168.0.0/16)"),
        Block4(base: v4(198, 18, 0, 0), bits: 15, reason: "benchmarking (198.18.0.0/15)"),
        Block4(base: v4(198, 51, 100, 0), bits: 24, reason: "documentation (198.51.100.0/24)"),
        Block4(base: v4(203, 0, 113, 0), bits: 24, reason: "documentation (203.0.113.0/24)"),
        Block4(base: v4(224, 0, 0, 0), bits: 4, reason: "multicast (224.0.0.0/4)"),
        Block4(base: v4(240, 0, 0, 0), bits: 4, reason: "reserved (240.0.0.0/4)"),
    ]

    private static func reasonV4(_ value: UInt32) -> String? {
        if value == UInt32.max { return "broadcast (255.255.255.255)" }
        return blocks4.first { $0.contains(value) }?.reason
    }

    private static func embeddedV4(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (offset..<offset + 4).reduce(0) { $0 << 8 | UInt32(bytes[$1]) }
    }

    private static func hasPrefix(_ bytes: [UInt8], _ prefix: [UInt8], bits: Int) -> Bool {
        for bit in 0..<bits {
            let mask = UInt8(0x80) >> (bit % 8)
            if bytes[bit / 8] & mask != prefix[bit / 8] & mask { return false }
        }
        return true
    }

    private static func reasonV6(_ b: [UInt8]) -> String? {
        let zero = [UInt8](repeating: 0, count: 16)
        if b == zero { return "unspecified (::)" }
        if b == zero.dropLast() + [1] { return "loopback (::1)" }
        // Forms that carry an IPv4 address are judged by that address.
        if hasPrefix(b, zero.prefix(10) + [0xFF, 0xFF] + [0, 0, 0, 0], bits: 96) {
            return reasonV4(embeddedV4(b, at: 12)).map { "IPv4-mapped \($0)" }
        }
        if hasPrefix(b, zero, bits: 96) { return "IPv4-compatible (::/96, deprecated)" }
        if hasPrefix(b, [0x00, 0x64, 0xFF, 0x9B] + zero.prefix(12), bits: 96) {
            return reasonV4(embeddedV4(b, at: 12)).map { "NAT64 \($0)" }
        }
        if hasPrefix(b, [0x20, 0x02] + zero.prefix(14), bits: 16) {
            return reasonV4(embeddedV4(b, at: 2)).map { "6to4 \($0)" }
        }
        let blocks: [(prefix: [UInt8], bits: Int, reason: String)] = [
            ([0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01], 48, "local-use NAT64 (64:ff9b:1::/48)"),
            ([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, "discard (100::/64)"),
            ([0x20, 0x01, 0x0D, 0xB8], 32, "documentation (2001:db8::/32)"),
            ([0x20, 0x01, 0x00, 0x00], 32, "Teredo (2001::/32)"),
            ([0x20, 0x01, 0x00, 0x00], 23, "IETF protocol assignments (2001::/23)"),
            ([0x3F, 0xFF], 20, "documentation (3fff::/20)"),
            ([0xFC, 0x00], 7, "unique local (fc00::/7)"),
            ([0xFE, 0x80], 10, "link-local (fe80::/10)"),
            ([0xFE, 0xC0], 10, "site-local (fec0::/10, deprecated)"),
            ([0xFF, 0x00], 8, "multicast (ff00::/8)"),
        ]
        for block in blocks {
            let prefix = block.prefix + [UInt8](repeating: 0, count: 16 - block.prefix.count)
            if hasPrefix(b, prefix, bits: block.bits) { return block.reason }
        }
        // Only 2000::/3 is allocated as global unicast.
        if !hasPrefix(b, [0x20] + zero.prefix(15), bits: 3) { return "reserved (outside 2000::/3)" }
        return nil
    }
}
