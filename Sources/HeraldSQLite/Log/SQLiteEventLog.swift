import Foundation
import HeraldCore
import HeraldStore
import Logging
import NIOPosix
import Synchronization

/// The event log in one SQLite file: one writer thread that group-commits, a pool of readers, and
/// the views as tables beside the log, updated in the transaction that appends.
public final class SQLiteEventLog: EventLog, Sendable {
    public enum Synchronous: String, Sendable {
        /// Every commit reaches the disk before it is acknowledged.
        case full = "FULL"
        /// Commits survive a crash of the process but maybe not a power cut.
        case normal = "NORMAL"
    }

    public let path: String
    public let integrations: IntegrationsCache
    private let projections: [any Projection]
    private let clock: @Sendable () -> Int64
    private let writer: Writer
    private let readers = Mutex<[SQLiteConnection]>([])
    /// Where reads run: SQLite's calls block, and no caller's event loop or task thread may wait
    /// on them.
    private let readThreads = NIOThreadPool(numberOfThreads: 2)
    private let notices = CommitNotices()
    private let lockFile: Int32
    private let isClosed = Atomic(false)

    /// Opens (creating if needed, mode 0600) the log at `path` and migrates it.
    public init(
        path: String, synchronous: Synchronous = .full,
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds, logger: Logger = Logger(label: "herald.store")
    ) throws {
        self.path = path
        let integrations = IntegrationsCache()
        self.integrations = integrations
        projections = [IntegrationsProjection(cache: integrations), DeliveriesProjection()]
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
            writer = Writer(db: db, path: path, projections: projections, integrations: integrations, clock: clock, logger: logger)
        } catch {
            Self.unlock(lockFile)
            throw SQLiteError.translated(error, path: path)
        }
        writer.onCommit = { [notices] notice in notices.notify(notice) }
        writer.refresh(nil)
        writer.start()
        readThreads.start()
    }

    public var location: StoreLocation { StoreLocation(kind: "sqlite", address: path) }

    public var knownHead: LogPosition { writer.head.load(ordering: .acquiring) }

    /// Every view's checkpoint is written in the transaction that appends, so each stands where the
    /// log does.
    public var knownCheckpoints: [Checkpoint] {
        let head = knownHead
        return projections.map { Checkpoint(name: $0.name, position: head) }
    }

    /// Finishes the queued writes, checkpoints the WAL away, then closes every connection.
    /// Closing again does nothing: the lock's descriptor, closed twice, could be someone else's.
    public func close() async {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await withCheckedContinuation { done in writer.stop { done.resume() } }
        try? await readThreads.shutdownGracefully()
        readers.withLock { $0.removeAll() }
        Self.unlock(lockFile)
    }

    // MARK: Writing

    /// Runs `body` inside the next group-commit transaction and calls `completion` after COMMIT
    /// (or with the error). A body that throws rolls back its own appends only.
    public func write<T: Sendable>(
        deadline: ContinuousClock.Instant?,
        _ body: @escaping @Sendable (any UnitOfWork) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        write(deadline: deadline, exclusive: false, { try body($0) }, completion: completion)
    }

    private func write<T: Sendable>(
        deadline: ContinuousClock.Instant?,
        exclusive: Bool,
        _ body: @escaping @Sendable (SQLiteUnitOfWork) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let result = ResultBox<T>()
        writer.enqueue(
            PendingWrite(
                deadline: deadline,
                isExclusive: exclusive,
                body: { transaction in result.value = try body(transaction) },
                finish: { error in
                    if let error { completion(.failure(error)) } else { completion(.success(result.value!)) }
                }))
    }

    /// Empties every view and replays the whole log into them, in one transaction on the writer,
    /// so no command interleaves with the rebuild. `progress` is called every `every` events.
    public func rebuildViews(every: Int = 10_000, progress: @escaping @Sendable (_ processed: UInt64, _ total: UInt64) -> Void) async throws -> UInt64 {
        // Alone in its transaction, so that it needs no savepoint.
        try await withCheckedThrowingContinuation { continuation in
            write(
                deadline: nil, exclusive: true,
                { [projections] transaction in
                    try Self.replay(into: projections, every: every, transaction, progress: progress)
                }, completion: { continuation.resume(with: $0) })
        }
    }

    private static func replay(
        into projections: [any Projection], every: Int, _ transaction: SQLiteUnitOfWork,
        progress: (_ processed: UInt64, _ total: UInt64) -> Void
    ) throws -> UInt64 {
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

    /// How many transactions the writer has committed, and how many writes they carried.
    public var commitStatistics: (transactions: Int, writes: Int) {
        (writer.transactions.load(ordering: .relaxed), writer.writes.load(ordering: .relaxed))
    }

    // MARK: Reading

    /// Runs `body` on a pooled read connection. WAL readers never wait for the writer, and each
    /// statement sees everything committed before it began.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any ViewReader) throws -> T) async throws -> T {
        try await withReader { try body(SQLiteViews(db: $0)) }
    }

    /// Runs `body` with a pooled read connection on one of the log's read threads.
    package func withReader<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await readThreads.runIfActive { [self] in
            do {
                let db = try readers.withLock { $0.popLast() } ?? SQLiteConnection(path: path, readOnly: true)
                defer { readers.withLock { $0.append(db) } }
                return try body(db)
            } catch {
                throw SQLiteError.translated(error, path: path)
            }
        }
    }

    public func events(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        try await withReader { try LogQueries.events($0, from: max(position, 1), limit: limit) }
    }

    public func events(after position: LogPosition, through head: LogPosition, types: [String], limit: Int) async throws -> [RecordedEvent] {
        try await withReader { try LogQueries.events($0, after: position, through: head, types: types, limit: limit) }
    }

    public func head() async throws -> LogPosition {
        try await withReader { try LogQueries.head($0) }
    }

    public func checkpoints() async throws -> [Checkpoint] {
        let stored = try await withReader { try LogQueries.checkpoints($0) }
        return projections.map { Checkpoint(name: $0.name, position: stored[$0.name] ?? 0) }
    }

    // MARK: Subscriptions

    /// The handler runs on the writer thread.
    public func subscribe(_ handler: @escaping @Sendable (CommitNotice) -> Void) -> LogSubscription {
        notices.subscribe(handler)
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
    /// Unlocked before it is closed: a child being spawned at that moment holds a copy of the
    /// descriptor until it execs, and with it the lock, which a reopen at once would find taken.
    private static func unlock(_ fd: Int32) {
        flock(fd, LOCK_UN)
        Foundation.close(fd)
    }

    private static func lockExclusively(_ path: String) throws -> Int32 {
        let fd = open(path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SQLiteError(code: errno, message: "cannot create \(path).lock: \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Foundation.close(fd)
            throw StoreError.inUse(path: path)
        }
        return fd
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
