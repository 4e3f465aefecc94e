/// Hosts exempt from the SSRF and URL-shape checks: `--allow-host HOST[:PORT]`, off by default.
/// This is how tests and local development point a platform at a local receiver.
public struct HostAllowList: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        let host: String
        let port: Int?  // nil allows every port
    }

    let entries: [Entry]

    public static let none = HostAllowList(entries: [])

    init(entries: [Entry]) { self.entries = entries }

    /// Parses entries such as "localhost", "receiver.test:8443" or "[::1]:8443".
    public init(_ specs: [String]) throws(DomainError) {
        var entries: [Entry] = []
        for spec in specs {
            entries.append(try Self.parse(spec))
        }
        self.entries = entries
    }

    private static func parse(_ spec: String) throws(DomainError) -> Entry {
        let text = String(spec.trimmingSpaces).lowercased()
        let invalid = DomainError.invalidArgument("invalid --allow-host '\(spec)': expected HOST or HOST:PORT")
        var host = text
        var port: Int?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { throw invalid }
                port = number
            }
        } else if let colon = text.lastIndex(of: ":"), text.filter({ $0 == ":" }).count == 1 {
            host = String(text[..<colon])
            guard let number = Int(text[text.index(after: colon)...]) else { throw invalid }
            port = number
        } else if text.contains(":"), IPAddress.parseIPv6(text) == nil {
            throw invalid
        }
        guard !host.isEmpty, port.map(WebhookURL.ports.contains) ?? true else { throw invalid }
        return Entry(host: host, port: port)
    }

    public func allows(host: String, port: Int?) -> Bool {
        let host = host.lowercased()
        return entries.contains { $0.host == host && ($0.port == nil || $0.port == (port ?? 443)) }
    }

    public var isEmpty: Bool { entries.isEmpty }
}
