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

    /// Calls back with nil if every address `host` resolves to is public, or with why not.
    public func check(host: String, _ completion: @escaping @Sendable ((any Error)?) -> Void) {
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
