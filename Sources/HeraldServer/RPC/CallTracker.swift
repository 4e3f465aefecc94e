import Synchronization

/// Counts open calls across connections, so a graceful shutdown can wait for them to finish.
public final class CallTracker: Sendable {
    private let state = Mutex<(open: Int, draining: Bool)>((0, false))

    public init() {}

    func opened() { state.withLock { $0.open += 1 } }
    func closed() { state.withLock { $0.open -= 1 } }

    public var openCalls: Int { state.withLock { $0.open } }
    var isDraining: Bool { state.withLock { $0.draining } }

    /// From now on new calls are refused with UNAVAILABLE.
    func startDraining() { state.withLock { $0.draining = true } }
}
