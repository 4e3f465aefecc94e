import Foundation

/// A validated webhook URL. It is a credential: show `masked` anywhere but the one reply that set it.
public struct WebhookURL: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    /// Lower-cased, without IPv6 brackets.
    public let host: String
    public let port: Int?
    /// The path and query, as the request line sends them.
    public let target: String
    /// The `Host` header: the host (bracketed if IPv6) and any port but 443.
    public let hostHeader: String
    /// True when the host is an IP literal, so there is nothing to resolve.
    public let isIPLiteral: Bool
    /// True when `--allow-host` exempts the host from the SSRF and shape checks.
    public let isAllowListed: Bool

    public static let maximumLength = 2048
    public static let ports = 1...65535

    /// Checks everything that needs no network: syntax, HTTPS, the platform's URL shape and IP literals.
    /// Resolving the host is the caller's job (see `AddressPolicy`).
    public init(validating text: String, platform: Platform, allowList: HostAllowList) throws(DomainError) {
        let text = String(text.trimmingSpaces)
        guard !text.isEmpty else { throw .invalidArgument("url is required") }
        guard text.utf8.count <= Self.maximumLength else {
            throw .invalidArgument("url is longer than \(Self.maximumLength) bytes")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme else {
            throw .invalidArgument("url is not a valid absolute URL")
        }
        guard scheme.lowercased() == "https" else {
            throw .invalidArgument("HTTPS required: the url must start with https://, not \(scheme)://")
        }
        guard components.user == nil, components.password == nil else {
            throw .invalidArgument("url must not carry credentials before the host (user@host)")
        }
        var host = (components.host ?? "").lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw .invalidArgument("url has no host") }
        if let port = components.port, !Self.ports.contains(port) {
            throw .invalidArgument("url port \(port) is out of range: a port is 1 to 65535")
        }

        self.rawValue = text
        self.host = host
        self.port = components.port
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.target = components.percentEncodedQuery.map { path + "?" + $0 } ?? path
        let bracketed = host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host
        self.hostHeader = components.port.map { $0 == 443 ? bracketed : "\(bracketed):\($0)" } ?? bracketed
        self.isAllowListed = allowList.allows(host: host, port: components.port)
        let literal = IPAddress(literal: host)
        self.isIPLiteral = literal != nil

        if isAllowListed { return }
        if let literal {
            try AddressPolicy.check(host: host, addresses: [literal])
        } else if IPAddress.looksNumeric(host) {
            throw .invalidArgument("url host '\(host)' is not a valid IP address")
        }
        try WebhookShape.check(components: components, url: text, platform: platform)
    }

    /// Scheme, host, port and first path segment; every token-bearing part becomes "…".
    public var masked: String { Self.mask(rawValue) }

    public var description: String { masked }

    /// Masks any URL-like text, valid or not, so that even an error message can't leak a token.
    /// It works on the text alone, without a URL parser: it runs for every row a view writes.
    public static func mask(_ text: String) -> String {
        // A sealed URL carries its masked form. The hint is masked again: text that merely looks
        // sealed (a caller's typo, an attacker's input) must not show what it holds either.
        if SealedText.isSealed(text) { return SealedText(parsing: text).map { mask($0.hint) } ?? "…" }
        let utf8 = text.utf8
        guard let schemeEnd = utf8.firstRange(of: "://".utf8) else { return "…" }
        let scheme = text[..<schemeEnd.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return "…" }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        // Credentials before the host are a secret too.
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        guard !authority.isEmpty else { return "…" }
        var masked = "\(scheme.lowercased())://\(authority)"
        let tail = rest[authorityEnd...]
        guard !tail.isEmpty else { return masked }
        let path = tail.prefix { $0 != "?" && $0 != "#" }
        let segments = path.split(separator: "/")
        if let first = segments.first {
            masked += "/\(first)"
            if segments.count > 1 || path.count < tail.count { masked += "/…" }
        } else if path.count < tail.count {
            masked += "/…"
        }
        return masked
    }
}

/// The address check that follows resolving a webhook host.
public enum AddressPolicy {
    /// Refuses the host if any address it resolves to is not public: a resolver that returns one
    /// public and one private address must not get to choose.
    public static func check(host: String, addresses: [IPAddress]) throws(DomainError) {
        guard !addresses.isEmpty else { throw .invalidArgument("could not resolve host '\(host)'") }
        for address in addresses {
            if let reason = AddressClassifier.nonPublicReason(address) {
                let resolved = IPAddress(literal: host) == nil ? " resolves to \(address), which" : ""
                throw .invalidArgument(
                    "url host '\(host)'\(resolved) is a non-public address: \(reason); blocked to prevent SSRF")
            }
        }
    }
}
