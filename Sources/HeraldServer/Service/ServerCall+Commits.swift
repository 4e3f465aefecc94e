import HeraldCore
import HeraldStore
import HeraldWire

extension ServerCall {
    /// Runs a streaming call's work in a task that hears of each commit (when `follow`), and ends it
    /// when the call ends (cancel, deadline, closed connection) or the daemon drains. `head` is read
    /// before this returns: a reply to any later call on the connection means the work sees what
    /// that call commits.
    func followCommits(
        store: any EventLog, tracker: CallTracker, follow: Bool = true,
        _ work: @escaping @Sendable (_ commits: AsyncStream<LogPosition>, _ head: LogPosition) async throws -> Void
    ) {
        let (commits, continuation) = AsyncStream.makeStream(of: LogPosition.self, bufferingPolicy: .bufferingNewest(1))
        let subscription = follow ? store.subscribe { continuation.yield($0) } : nil
        let head = (try? store.head()) ?? 0
        let task = Task {
            defer { subscription?.cancel() }
            // An error here means the call ended: there is no one left to tell.
            try? await work(commits, head)
        }
        let forget = tracker.whenDraining { [self] in fail(RPCError(.unavailable, "heraldd is shutting down")) }
        onCancel {
            forget()
            task.cancel()
            continuation.finish()
        }
    }
}
