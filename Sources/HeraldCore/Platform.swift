/// A chat platform, or a custom endpoint that receives raw JSON.
public enum Platform: String, CaseIterable, Sendable, Codable {
    case slack
    case discord
    case teams
    case googleChat = "google_chat"
    case custom

    public init(validating name: String) throws(DomainError) {
        guard let platform = Platform(rawValue: String(name.trimmingSpaces).lowercased()) else {
            let known = Platform.allCases.map(\.rawValue).joined(separator: ", ")
            if name.isEmpty { throw .invalidArgument("platform is required; one of \(known)") }
            throw .invalidArgument("unknown platform '\(name)'; one of \(known)")
        }
        self = platform
    }
}
