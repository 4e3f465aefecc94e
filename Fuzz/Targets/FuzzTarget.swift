/// One thing libFuzzer feeds bytes to. A target returns normally for any input the code under test
/// handles, refusals included; it throws when an invariant of that code breaks, and a trap inside
/// the code under test is a crash the fuzzer reports as such.
public struct FuzzTarget: Sendable {
    public let name: String
    /// What the target covers, for `herald-fuzz --list`.
    public let summary: String
    public let run: @Sendable ([UInt8]) throws -> Void

    public init(name: String, summary: String, run: @escaping @Sendable ([UInt8]) throws -> Void) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    public static let all: [FuzzTarget] = [.frame, .envelope, .message, .eventData, .timestamp, .url, .formatter]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// A property of the code under test that an input broke.
public struct InvariantViolation: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Requires `condition`, or says which invariant broke.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantViolation) {
    if !condition { throw InvariantViolation(message()) }
}

extension [UInt8] {
    /// The input as text: invalid UTF-8 repaired, as a String from the wire would be.
    var text: String { String(decoding: self, as: UTF8.self) }

    /// The first byte as a choice among `count`, and the rest.
    func choosing(among count: Int) -> (choice: Int, rest: [UInt8])? {
        guard let first else { return nil }
        return (Int(first) % count, Array(dropFirst()))
    }

    /// The input cut into `count` strings at 0xFF bytes (which UTF-8 never holds); missing ones
    /// are empty.
    func fields(_ count: Int) -> [String] {
        var parts = split(separator: 0xFF, maxSplits: count - 1, omittingEmptySubsequences: false).map { Array($0).text }
        while parts.count < count { parts.append("") }
        return parts
    }
}
