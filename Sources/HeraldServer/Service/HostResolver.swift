import Foundation
import HeraldCore
import NIOPosix

/// Resolves webhook hosts and applies the SSRF address check. getaddrinfo blocks, so it runs on a
/// thread pool, never on an event loop.
public struct HostResolver: Sendable {
    let threadPool: NIOThreadPool

    public init(threadPool: NIOThreadPool) {
        self.threadPool = threadPool
    }

    /// Allow-listed hosts and IP literals (already checked when the URL was parsed) need no lookup.
    public func needsLookup(_ url: String, allowList: HostAllowList) -> Bool {
        guard let parsed = try? WebhookURL(validating: url, platform: .custom, allowList: allowList) else { return true }
        return !parsed.isAllowListed && !parsed.isIPLiteral
    }

    /// Calls back with nil if every address the URL's host resolves to is public, or with why not.
    public func check(_ url: String, _ completion: @escaping @Sendable ((any Error)?) -> Void) {
        guard let host = try? WebhookURL(validating: url, platform: .custom, allowList: .none).host else {
            return completion(DomainError.invalidArgument("url has no host"))
        }
        threadPool.submit { state in
            guard case .active = state else { return completion(DomainError(.unavailable, "heraldd is shutting down")) }
            do {
                try AddressPolicy.check(host: host, addresses: Self.resolve(host))
                completion(nil)
            } catch {
                completion(error)
            }
        }
    }

    static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "443", &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        for entry in sequence(first: first, next: { $0.pointee.ai_next }) {
            guard let address = entry.pointee.ai_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                addresses.append(.v4(UInt32(bigEndian: v4)))
            case AF_INET6:
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                addresses.append(.v6(bytes))
            default:
                continue
            }
        }
        return addresses
    }
}
