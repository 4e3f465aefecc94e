import CHeraldSystem
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Who may call the daemon: by default only its own uid.
public struct PeerPolicy: Sendable {
    public var allowedUIDs: Set<UInt32>
    public var allowedGIDs: Set<UInt32>

    public init(allowedUIDs: Set<UInt32>, allowedGIDs: Set<UInt32> = []) {
        self.allowedUIDs = allowedUIDs
        self.allowedGIDs = allowedGIDs
    }

    public static var ownUIDOnly: PeerPolicy { PeerPolicy(allowedUIDs: [getuid()]) }

    /// Why this peer is refused, or nil when it may call.
    func refusal(uid: UInt32, gid: UInt32) -> String? {
        if allowedUIDs.contains(uid) || allowedGIDs.contains(gid) { return nil }
        return "uid \(uid) (gid \(gid)) may not call this heraldd; see --allow-uid and --allow-gid"
    }

    /// Reads the peer's credentials with SO_PEERCRED and judges them.
    func refusal(for channel: Channel) -> EventLoopFuture<String?> {
        let option = herald_so_peercred()
        guard option >= 0, let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture("cannot identify the peer on this system")
        }
        let future: EventLoopFuture<herald_peer_credentials> =
            provider.unsafeGetSocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(option))
        return future.map { credentials in
            refusal(uid: credentials.uid, gid: credentials.gid)
        }.recover { error in
            "cannot identify the peer: \(error)"
        }
    }
}
