#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address, parsed from any spelling a resolver or URL parser might accept.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])  // 16 bytes, network order

    /// Parses an IP literal as it may appear in a URL host: dotted IPv4 in decimal, octal or hex,
    /// with fewer than four parts ("127.1", "0x7f000001", "017700000001"), or IPv6 with or without
    /// brackets and zone. Returns nil for anything that is not an IP literal.
    public init?(literal text: some StringProtocol) {
        var host = String(text)
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.contains(":") {
            guard let v6 = IPAddress.parseIPv6(host) else { return nil }
            self = .v6(v6)
        } else if let v4 = IPAddress.parseIPv4(host) {
            self = .v4(v4)
        } else {
            return nil
        }
    }

    /// True when the host's last label is numeric, as in "1.2.3.256" or "0x1g": such a host is
    /// meant as an address, and a URL parser must not hand it to DNS.
    public static func looksNumeric(_ host: some StringProtocol) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        guard let last = labels.last, !last.isEmpty else { return false }
        if last.allSatisfy(\.isASCIIDigit) { return true }
        let lower = last.lowercased()
        return lower.hasPrefix("0x") && lower.dropFirst(2).allSatisfy(\.isHexDigit)
    }

    /// inet_aton's grammar, as browsers and libc resolvers read a numeric host.
    static func parseIPv4(_ text: String) -> UInt32? {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }  // "127.0.0.1."
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = parseIPv4Part(part) else { return nil }
            numbers.append(number)
        }
        let head = numbers.dropLast()
        guard head.allSatisfy({ $0 <= 255 }) else { return nil }
        let tailBits = 8 * (5 - numbers.count)
        guard numbers.last! < (UInt64(1) << tailBits) else { return nil }
        var value: UInt64 = 0
        for (index, number) in head.enumerated() { value |= number << (24 - 8 * index) }
        value |= numbers.last!
        return UInt32(value)
    }

    private static func parseIPv4Part(_ part: Substring) -> UInt64? {
        guard !part.isEmpty else { return nil }
        let lower = part.lowercased()
        let (digits, radix): (Substring, Int)
        if lower.hasPrefix("0x") {
            (digits, radix) = (Substring(lower.dropFirst(2)), 16)
            if digits.isEmpty { return 0 }  // "0x" alone reads as zero
        } else if lower.count > 1, lower.hasPrefix("0") {
            (digits, radix) = (Substring(lower.dropFirst()), 8)
        } else {
            (digits, radix) = (Substring(lower), 10)
        }
        guard digits.count <= 32, let value = UInt64(digits, radix: radix) else { return nil }
        return value
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        let withoutZone = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)[0]
        var storage = in6_addr()
        let ok = String(withoutZone).withCString { inet_pton(AF_INET6, $0, &storage) }
        guard ok == 1 else { return nil }
        return withUnsafeBytes(of: &storage) { Array($0) }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String((value >> (24 - 8 * $0)) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            var storage = in6_addr()
            withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count))
            let length = buffer.firstIndex(of: 0) ?? buffer.count
            return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
