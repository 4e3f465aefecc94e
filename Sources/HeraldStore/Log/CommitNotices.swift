import HeraldCore
import Synchronization

/// The subscribers of a log's commit notices; for implementations of `EventLog`.
package final class CommitNotices: Sendable {
    private let handlers = Mutex<(next: UInt64, byID: [UInt64: @Sendable (CommitNotice) -> Void])>((0, [:]))

    package init() {}

    package func subscribe(_ handler: @escaping @Sendable (CommitNotice) -> Void) -> LogSubscription {
        let id = handlers.withLock { state in
            state.next += 1
            state.byID[state.next] = handler
            return state.next
        }
        return LogSubscription { [self] in _ = handlers.withLock { $0.byID.removeValue(forKey: id) } }
    }

    /// Tells every subscriber of a commit, in commit order.
    package func notify(_ notice: CommitNotice) {
        for handler in handlers.withLock({ Array($0.byID.values) }) { handler(notice) }
    }
}
