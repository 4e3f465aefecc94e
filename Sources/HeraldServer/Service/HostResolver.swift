import Foundation
import HeraldCore
import HeraldDelivery
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
                try AddressPolicy.check(host: host, addresses: HostLookup.resolve(host))
                completion(nil)
            } catch {
                completion(error)
            }
        }
    }
}
