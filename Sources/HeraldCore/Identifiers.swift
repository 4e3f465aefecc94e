/// The identity of an integration, chosen by the daemon when it is connected.
public struct IntegrationID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The event stream that holds this integration's history.
    public var stream: String { "integration-\(rawValue)" }

    /// A new random identifier: "int_" followed by 20 base-32 characters (100 bits).
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> IntegrationID {
        let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")
        var id = "int_"
        for _ in 0..<20 { id.append(alphabet[Int(generator.next() % 32)]) }
        return IntegrationID(id)
    }

    public static func random() -> IntegrationID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }
}

/// A position in the global event log. Positions start at 1; 0 means "before the first event".
public typealias LogPosition = UInt64
