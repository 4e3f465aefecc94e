import HeraldCore
import HeraldStore

/// A view built from the log. It is applied inside the transaction that appends the events, and its
/// checkpoint is written in that same transaction, so the view never runs ahead of or behind the log.
protocol Projection: Sendable {
    /// The checkpoint's name, also shown by `herald status`.
    var name: String { get }
    /// Folds one event into the view. Events the projection doesn't know are skipped.
    func apply(_ event: RecordedEvent, in db: SQLiteConnection) throws
    /// Empties the view before a rebuild.
    func clear(in db: SQLiteConnection) throws
    /// Called on the writer after a commit that appended to `streams` (with the types of the events
    /// appended to each), or with nil after opening and after a rebuild, when anything may have
    /// changed. For projections that keep state in memory.
    func didCommit(streams: [StreamName: Set<String>]?, in db: SQLiteConnection) throws
}

extension Projection {
    func didCommit(streams: [StreamName: Set<String>]?, in db: SQLiteConnection) throws {}
}
