import Foundation
import HeraldApp
import HeraldCore
import NIOCore
import NIOPosix

/// Resolves webhook hosts and applies the SSRF address check: one function for the check at
/// connect time and for the address the sender pins its connections to. getaddrinfo blocks, so it
/// runs on a thread pool, never on an event loop.
public struct HostResolver: HostChecking {
    let threadPool: NIOThreadPool

    public init(threadPool: NIOThreadPool) {
        self.threadPool = threadPool
    }

    /// The addresses `host` resolves to (an IP literal is its own), each checked to be public
    /// unless `allowListed`. It blocks on DNS: run it on the thread pool.
    static func checkedAddresses(of host: String, allowListed: Bool) throws(DomainError) -> [IPAddress] {
        let addresses = IPAddress(literal: host).map { [$0] } ?? HostLookup.resolve(host)
        guard !allowListed else {
            guard !addresses.isEmpty else { throw .invalidArgument("could not resolve host '\(host)'") }
            return addresses
        }
        try AddressPolicy.check(host: host, addresses: addresses)
        return addresses
    }

    /// The same, off the event loop, for the sender.
    func checkedAddresses(of host: String, allowListed: Bool, on eventLoop: any EventLoop) -> EventLoopFuture<[IPAddress]> {
        if let literal = IPAddress(literal: host), allowListed {
            return eventLoop.makeSucceededFuture([literal])
        }
        return threadPool.runIfActive(eventLoop: eventLoop) { try Self.checkedAddresses(of: host, allowListed: allowListed) }
    }

    public func check(host: String, _ completion: @escaping @Sendable ((any Error)?) -> Void) {
        threadPool.submit { state in
            guard case .active = state else { return completion(DomainError(.unavailable, "heraldd is shutting down")) }
            do {
                _ = try Self.checkedAddresses(of: host, allowListed: false)
                completion(nil)
            } catch {
                completion(error)
            }
        }
    }
}

/// getaddrinfo, as a list of addresses. It blocks: call it from a thread pool.
enum HostLookup {
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
