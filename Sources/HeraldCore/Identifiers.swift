/// The identity of an integration, chosen by the daemon when it is connected.
public struct IntegrationID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The event stream that holds this integration's history.
    public var stream: String { "integration-\(rawValue)" }

    /// A new identifier: "int_", then 10 base-32 characters of the time in milliseconds and 12 of
    /// randomness (60 bits), like a ULID. Ids made later sort later, so new rows land at the end of
    /// the view's index instead of on a random page of it.
    public static func random<G: RandomNumberGenerator>(using generator: inout G, now: UInt64) -> IntegrationID {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
        var bytes = Array("int_".utf8)
        for shift in stride(from: 45, through: 0, by: -5) { bytes.append(alphabet[Int((now >> UInt64(shift)) & 31)]) }
        let random = generator.next()
        for shift in stride(from: 55, through: 0, by: -5) { bytes.append(alphabet[Int((random >> UInt64(shift)) & 31)]) }
        return IntegrationID(String(decoding: bytes, as: UTF8.self))
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> IntegrationID {
        random(using: &generator, now: generator.next() >> 16)
    }

    public static func random(now: UInt64) -> IntegrationID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator, now: now)
    }
}

/// A position in the global event log. Positions start at 1; 0 means "before the first event".
public typealias LogPosition = UInt64
