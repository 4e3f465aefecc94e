import HeraldStore
import HeraldWire

extension ServerCall {
    /// Runs a streaming call's work in a task, and ends it when the call ends (cancel, deadline,
    /// closed connection) or the daemon drains. An error other than the call's end fails the call:
    /// a stream that can't go on says why.
    func whileOpen(tracker: CallTracker, _ work: @escaping @Sendable () async throws -> Void) {
        let task = Task { [self] in
            do {
                try await work()
            } catch is CancellationError {
                // The call ended: there is no one left to tell.
            } catch let error as UndecodableEvent {
                fail(RPCError(.internalError, error.description))
            } catch {
                fail(RPCError(.unavailable, "could not read the log: \(error)"))
            }
        }
        let forget = tracker.whenDraining { [self] in fail(RPCError(.unavailable, "heraldd is shutting down")) }
        onCancel {
            forget()
            task.cancel()
        }
    }
}
