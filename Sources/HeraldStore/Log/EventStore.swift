import Foundation
import HeraldCore
import Logging
import Synchronization

/// The SQLite event log: one writer thread that group-commits, a pool of readers, and
/// subscriptions that hear of each commit.
public final class EventStore: Sendable {
    public enum Synchronous: String, Sendable {
        /// Every commit reaches the disk before it is acknowledged.
        case full = "FULL"
        /// Commits survive a crash of the process but maybe not a power cut.
        case normal = "NORMAL"
    }

    public let path: String
    private let projections: [any Projection]
    private let clock: @Sendable () -> Int64
    private let writer: Writer
    private let readers = Mutex<[SQLiteConnection]>([])
    private let subscribers = Subscribers()
    private let lockFile: Int32

    /// The projections every Herald store keeps.
    public static func standardProjections() -> [any Projection] { [IntegrationsProjection(), DeliveriesProjection()] }

    /// Opens (creating if needed, mode 0600) the log at `path` and migrates it.
    public init(
        path: String, synchronous: Synchronous = .full, projections: [any Projection] = EventStore.standardProjections(),
        clock: @escaping @Sendable () -> Int64 = EventStore.systemClock, logger: Logger = Logger(label: "herald.store")
    ) throws {
        self.path = path
        self.projections = projections
        self.clock = clock
        try Self.createPrivately(path)
        lockFile = try Self.lockExclusively(path)
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("PRAGMA journal_mode = WAL")
            try db.execute("PRAGMA synchronous = \(synchronous.rawValue)")
            // SQLite's own checkpoint every 1000 pages keeps the WAL wrapping around instead of
            // growing. (Turning it off for a background checkpointer was 15–20% slower; running
            // one beside it measured no better than this alone.)
            try db.execute("PRAGMA wal_autocheckpoint = 1000")
            // Each write in a group commit has its own savepoint, and SQLite keeps a copy of every page
            // a savepoint changes in case it rolls back. In memory, not in a temporary file: that file
            // cost dozens of write calls per publish.
            try db.execute("PRAGMA temp_store = MEMORY")
            try Schema.migrate(db)
            writer = Writer(db: db, projections: projections, clock: clock, logger: logger)
        } catch {
            Foundation.close(lockFile)
            throw error
        }
        writer.onCommit = { [subscribers] head in subscribers.notify(head) }
        writer.refresh(nil)
        writer.start()
    }

    public static let systemClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Finishes the queued writes, then closes the log.
    public func close() {
        writer.stop()
        readers.withLock { $0.removeAll() }
        Foundation.close(lockFile)
    }

    // MARK: Writing

    /// Runs `body` inside the next group-commit transaction and calls `completion` after COMMIT
    /// (or with the error). A body that throws rolls back its own appends only.
    public func write<T: Sendable>(
        deadline: ContinuousClock.Instant? = nil,
        exclusive: Bool = false,
        _ body: @escaping @Sendable (WriteTransaction) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let result = ResultBox<T>()
        writer.enqueue(PendingWrite(
            deadline: deadline,
            isExclusive: exclusive,
            body: { transaction in result.value = try body(transaction) },
            finish: { error in
                if let error { completion(.failure(error)) } else { completion(.success(result.value!)) }
            }))
    }

    public func write<T: Sendable>(exclusive: Bool = false, _ body: @escaping @Sendable (WriteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            write(exclusive: exclusive, body) { continuation.resume(with: $0) }
        }
    }

    /// Empties every view and replays the whole log into them, in one transaction on the writer,
    /// so no command interleaves with the rebuild. `progress` is called every `every` events.
    public func rebuildProjections(every: Int = 10_000, progress: @escaping @Sendable (_ processed: UInt64, _ total: UInt64) -> Void) async throws -> UInt64 {
        // Alone in its transaction, so that it needs no savepoint.
        try await write(exclusive: true) { [projections] transaction in
            let db = transaction.db
            let total = try LogQueries.head(db)
            // The views' secondary indexes are built again after the replay: one sort each, instead
            // of an index update for every event. (The log's own indexes stay.)
            let indexes = try db.rows(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name NOT IN ('events', 'checkpoints')"
            ) { (name: $0.string(0), sql: $0.string(1)) }
            for index in indexes { try db.execute("DROP INDEX \"\(index.name)\"") }
            for projection in projections { try projection.clear(in: db) }
            var next: LogPosition = 1
            var processed: UInt64 = 0
            progress(0, total)
            while next <= total {
                let batch = try LogQueries.events(db, from: next, limit: every)
                if batch.isEmpty { break }
                for event in batch {
                    for projection in projections { try projection.apply(event, in: db) }
                }
                processed += UInt64(batch.count)
                next = batch.last!.position + 1
                progress(processed, total)
            }
            for index in indexes { try db.execute(index.sql) }
            try transaction.writeCheckpoints()
            // Every row was rewritten: in-memory views reload from the committed tables.
            transaction.refreshesEverything = true
            return processed
        }
    }

    /// How many transactions the writer has committed, and how many writes they carried.
    public var commitStatistics: (transactions: Int, writes: Int) {
        (writer.transactions.load(ordering: .relaxed), writer.writes.load(ordering: .relaxed))
    }

    /// The in-memory integrations view, if this store keeps the integrations projection.
    public var integrations: IntegrationsCache? {
        projections.lazy.compactMap { ($0 as? IntegrationsProjection)?.cache }.first
    }

    // MARK: Reading

    /// Runs `body` on a pooled read connection. WAL readers never wait for the writer, and each
    /// statement sees everything committed before it began.
    public func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let db = try readers.withLock { $0.popLast() } ?? SQLiteConnection(path: path, readOnly: true)
        defer { readers.withLock { $0.append(db) } }
        return try body(db)
    }

    public func events(from position: LogPosition, limit: Int) throws -> [RecordedEvent] {
        try read { try LogQueries.events($0, from: max(position, 1), limit: limit) }
    }

    /// Events of the given types after `position` up to `head`, at most `limit` of them.
    public func events(after position: LogPosition, through head: LogPosition, types: [String], limit: Int) throws -> [RecordedEvent] {
        try read { try LogQueries.events($0, after: position, through: head, types: types, limit: limit) }
    }

    public func head() throws -> LogPosition {
        try read { try LogQueries.head($0) }
    }

    /// Each projection's name and checkpoint.
    public func checkpoints() throws -> [(name: String, position: LogPosition)] {
        let stored = try read { try LogQueries.checkpoints($0) }
        return projections.map { ($0.name, stored[$0.name] ?? 0) }
    }

    // MARK: Subscriptions

    /// Calls `handler` on the writer thread after each commit that appended events, with the new
    /// head. The handler should hand the work to another thread and return.
    public func subscribe(_ handler: @escaping @Sendable (LogPosition) -> Void) -> Subscription {
        let id = subscribers.add(handler)
        return Subscription { [subscribers] in subscribers.remove(id) }
    }

    public final class Subscription: Sendable {
        private let cancelAction: @Sendable () -> Void
        init(_ cancel: @escaping @Sendable () -> Void) { cancelAction = cancel }
        public func cancel() { cancelAction() }
    }

    // MARK: Files

    private static func createPrivately(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SQLiteError(code: errno, message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        Foundation.close(fd)
    }

    /// One process at a time owns a log, so an offline replay can't race a running daemon.
    private static func lockExclusively(_ path: String) throws -> Int32 {
        let fd = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SQLiteError(code: errno, message: "cannot create \(path).lock: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Foundation.close(fd)
            throw StoreError.databaseInUse(path: path)
        }
        return fd
    }
}

private final class Subscribers: Sendable {
    private let handlers = Mutex<(next: UInt64, byID: [UInt64: @Sendable (LogPosition) -> Void])>((0, [:]))

    func add(_ handler: @escaping @Sendable (LogPosition) -> Void) -> UInt64 {
        handlers.withLock { state in
            state.next += 1
            state.byID[state.next] = handler
            return state.next
        }
    }

    func remove(_ id: UInt64) {
        _ = handlers.withLock { $0.byID.removeValue(forKey: id) }
    }

    func notify(_ head: LogPosition) {
        for handler in handlers.withLock({ Array($0.byID.values) }) { handler(head) }
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
