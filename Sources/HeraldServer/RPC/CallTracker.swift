import Synchronization

/// Counts open calls across connections, so a graceful shutdown can wait for them to finish.
public final class CallTracker: Sendable {
    private struct State {
        var open = 0
        var draining = false
        var nextStream = 0
        var streams: [Int: @Sendable () -> Void] = [:]
        var whenIdle: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    func opened() { state.withLock { $0.open += 1 } }

    func closed() {
        let idle = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open -= 1
            guard state.open == 0 else { return [] }
            defer { state.whenIdle = [] }
            return state.whenIdle
        }
        for waiter in idle { waiter.resume() }
    }

    public var openCalls: Int { state.withLock { $0.open } }
    var isDraining: Bool { state.withLock { $0.draining } }

    /// From now on new calls are refused with UNAVAILABLE, and open-ended streams are ended.
    func startDraining() {
        let streams = state.withLock { state in
            state.draining = true
            return Array(state.streams.values)
        }
        for end in streams { end() }
    }

    /// Returns once no call is open (at once, if none is).
    func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { state in
                if state.open > 0 { state.whenIdle.append(continuation) }
                return state.open == 0
            }
            if idle { continuation.resume() }
        }
    }

    /// Registers how to end an open-ended stream when the daemon drains; returns how to forget it.
    func whenDraining(_ end: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        let id = state.withLock { state in
            state.nextStream += 1
            state.streams[state.nextStream] = end
            return state.nextStream
        }
        return { [self] in _ = state.withLock { $0.streams.removeValue(forKey: id) } }
    }
}
