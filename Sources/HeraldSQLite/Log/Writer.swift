import Foundation
import HeraldCore
import HeraldStore
import Logging
import Synchronization

/// A queued write: `body` runs inside the transaction, `finish` after COMMIT. An exclusive write
/// (a rebuild) gets a transaction of its own.
struct PendingWrite: @unchecked Sendable {
    let deadline: ContinuousClock.Instant?
    var isExclusive = false
    let body: (SQLiteUnitOfWork) throws -> Void
    let finish: (Error?) -> Void
}

/// The single writer. It drains every queued write into one `BEGIN IMMEDIATE` transaction
/// (group commit), gives each its own savepoint so one failure rolls back only itself, and
/// answers each after COMMIT. A write alone in its transaction needs no savepoint: SQLite would
/// copy every page it changes in case of a partial rollback. It runs on its own thread: SQLite
/// calls block.
final class Writer: @unchecked Sendable {
    private let db: SQLiteConnection
    private let path: String
    private let projections: [any Projection]
    private let integrations: IntegrationsCache
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [PendingWrite] = []
    private var stopping = false
    private var thread: Thread?
    private var whenStopped: [@Sendable () -> Void] = []
    private var hasStopped = false
    var onCommit: (@Sendable (CommitNotice) -> Void)?
    /// Transactions committed and writes they carried, for tests and benchmarks.
    let transactions = Atomic<Int>(0)
    /// The head after the newest commit, set before anyone hears of that commit.
    let head = Atomic<UInt64>(0)
    let writes = Atomic<Int>(0)

    static let maximumBatch = 1024

    init(
        db: SQLiteConnection, path: String, projections: [any Projection], integrations: IntegrationsCache,
        clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.db = db
        self.path = path
        self.projections = projections
        self.integrations = integrations
        self.clock = clock
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "herald-writer"
        thread.start()
        self.thread = thread
    }

    func enqueue(_ write: PendingWrite) {
        condition.lock()
        if stopping {
            condition.unlock()
            write.finish(StoreError.closed)
            return
        }
        queue.append(write)
        condition.signal()
        condition.unlock()
    }

    /// Lets the queue drain, then ends the thread; `done` runs once it has (on the writer's thread).
    func stop(_ done: @escaping @Sendable () -> Void) {
        condition.lock()
        stopping = true
        let alreadyStopped = hasStopped || thread == nil
        if !alreadyStopped { whenStopped.append(done) }
        condition.signal()
        condition.unlock()
        if alreadyStopped { done() }
    }

    private func run() {
        while let batch = nextBatch() {
            commit(batch)
        }
        // A clean close leaves nothing in the WAL: the next open, a copy or a backup of the file
        // needs no recovery. (SQLite does this itself only when the last connection closes, and
        // a reader may still hold one.)
        do {
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            logger.warning("could not checkpoint the log on close", metadata: ["error": "\(error)"])
        }
        condition.lock()
        hasStopped = true
        // The thread holds its closure, and the closure this writer: let both go, so that the
        // writer's connection is closed when the log is.
        thread = nil
        let waiting = whenStopped
        whenStopped = []
        condition.unlock()
        for done in waiting { done() }
    }

    /// Lets in-memory projections catch up with what was just committed, before anyone is answered.
    func refresh(_ streams: [StreamName: Set<String>]?) {
        if streams == nil, let head = try? LogQueries.head(db) { self.head.store(head, ordering: .releasing) }
        // One read transaction for all of it: each statement on its own would take and release
        // SQLite's file locks again.
        try? db.run("BEGIN")
        for projection in projections {
            do {
                try projection.didCommit(streams: streams, in: db)
            } catch {
                logger.error("projection refresh failed", metadata: ["projection": "\(projection.name)", "error": "\(error)"])
            }
        }
        try? db.run("COMMIT")
    }

    private func nextBatch() -> [PendingWrite]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        if queue.isEmpty { return nil }
        var count = min(queue.count, Self.maximumBatch)
        if queue[0].isExclusive {
            count = 1
        } else if let exclusive = queue.prefix(count).firstIndex(where: \.isExclusive) {
            count = exclusive
        }
        let batch = Array(queue.prefix(count))
        queue.removeFirst(count)
        return batch
    }

    /// Set once the database file is found gone from its path; every write is refused after.
    private var fileMoved = false

    private func commit(_ batch: [PendingWrite]) {
        // A file removed or replaced under the daemon would take what it acknowledges with it:
        // nothing more is acknowledged. (A stat per transaction; transactions carry many writes.)
        if fileMoved || db.fileHasMoved {
            if !fileMoved { logger.critical("the database file was removed or replaced; every write is refused", metadata: ["path": "\(path)"]) }
            fileMoved = true
            let error = StoreError(
                .unavailable,
                "the database file \(path) was removed or replaced while heraldd ran: nothing more is written, so nothing is acknowledged that a restart would lose; put it back or restart heraldd"
            )
            for write in batch { write.finish(error) }
            return
        }
        var outcomes = [Error?](repeating: nil, count: batch.count)
        var appended = false
        var head: LogPosition = 0
        var touched: [StreamName: Set<String>]? = [:]
        do {
            try db.run("BEGIN IMMEDIATE")
            let startHead = try LogQueries.head(db)
            let transaction = SQLiteUnitOfWork(db: db, projections: projections, integrations: integrations, now: clock(), head: startHead)
            let now = ContinuousClock.now
            for (index, write) in batch.enumerated() {
                if let deadline = write.deadline, deadline <= now {
                    outcomes[index] = StoreError.deadlineExceeded
                    continue
                }
                if batch.count == 1 {
                    do { try write.body(transaction) } catch { outcomes[index] = error }
                    continue
                }
                let before = transaction.head
                try db.run("SAVEPOINT write")
                do {
                    try write.body(transaction)
                    try db.run("RELEASE write")
                } catch {
                    outcomes[index] = error
                    try db.run("ROLLBACK TO write")
                    try db.run("RELEASE write")
                    transaction.rewind(to: before)
                }
            }
            if batch.count == 1, outcomes[0] != nil {
                // The write had the transaction to itself: rolling all of it back undoes just that write.
                try db.run("ROLLBACK")
            } else {
                head = transaction.head
                touched = transaction.refreshesEverything ? nil : transaction.touchedStreams
                appended = head > startHead
                if appended { try transaction.writeCheckpoints() }
                try db.run("COMMIT")
                transactions.add(1, ordering: .relaxed)
                writes.add(batch.count, ordering: .relaxed)
            }
        } catch {
            logger.error("group commit failed", metadata: ["error": "\(error)", "writes": "\(batch.count)"])
            try? db.execute("ROLLBACK")
            outcomes = outcomes.map { _ in error }
            appended = false
        }
        if appended { self.head.store(head, ordering: .releasing) }
        if appended || touched == nil { refresh(touched) }
        for (write, outcome) in zip(batch, outcomes) { write.finish(outcome.map { SQLiteError.translated($0, path: path) }) }
        if appended {
            // The types of the writes rolled back are in it too: more than appended, which is allowed.
            let types = touched.map { $0.values.reduce(into: Set<String>()) { $0.formUnion($1) } }
            onCommit?(CommitNotice(head: head, eventTypes: types))
        }
    }
}
