/// The identity of an integration, chosen by the daemon when it is connected.
public struct IntegrationID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A new identifier: "int_" and a `TimeOrderedID`.
    public static func random<G: RandomNumberGenerator>(using generator: inout G, now: UInt64) -> IntegrationID {
        IntegrationID(TimeOrderedID.make(prefix: "int_", now: now, using: &generator))
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> IntegrationID {
        random(using: &generator, now: generator.next() >> 16)
    }

    public static func random(now: UInt64) -> IntegrationID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator, now: now)
    }
}

/// Identifiers made by the daemon: a prefix, then 10 base-32 characters of the time in milliseconds
/// and 12 of randomness (60 bits), like a ULID. Ids made later sort later, so new rows land at the
/// end of an index instead of on a random page of it.
public enum TimeOrderedID {
    public static func make<G: RandomNumberGenerator>(prefix: String, now: UInt64, using generator: inout G) -> String {
        let random = generator.next()
        return String(unsafeUninitializedCapacity: prefix.utf8.count + 22) { buffer in
            var index = 0
            for byte in prefix.utf8 {
                buffer[index] = byte
                index += 1
            }
            for shift in stride(from: 45, through: 0, by: -5) {
                buffer[index] = alphabet[Int((now >> UInt64(shift)) & 31)]
                index += 1
            }
            for shift in stride(from: 55, through: 0, by: -5) {
                buffer[index] = alphabet[Int((random >> UInt64(shift)) & 31)]
                index += 1
            }
            return index
        }
    }

    private static let alphabet: [UInt8] = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)
}

/// A fast generator for the random part of ids, seeded from the system's: ids need to be unique,
/// not secret, and one system call per id showed in profiles of a wide fan-out.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A position in the global event log. Positions start at 1; 0 means "before the first event".
public typealias LogPosition = UInt64
