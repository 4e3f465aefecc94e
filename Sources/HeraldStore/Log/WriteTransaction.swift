import HeraldCore

/// The writer's view of one group-commit transaction: appends, and reads that see them.
public final class WriteTransaction {
    public let db: SQLiteConnection
    private let projections: [any Projection]
    public let now: Int64
    private(set) var head: LogPosition
    /// Streams appended to, with the types of their new events; a rolled-back write may leave one
    /// here, which costs only a re-read.
    private(set) var touchedStreams: [String: Set<String>] = [:]
    /// The kinds of stream appended to: what comes before the first "-" ("integration", "delivery").
    private var touchedKinds: Set<Substring> = []
    /// Set when a write changed views without appending, as a rebuild does.
    var refreshesEverything = false

    init(db: SQLiteConnection, projections: [any Projection], now: Int64, head: LogPosition) {
        self.db = db
        self.projections = projections
        self.now = now
        self.head = head
    }

    /// Appends events to a stream whose current version must be `expectedVersion` (0: a new stream),
    /// and applies them to every projection.
    @discardableResult
    public func append(stream: String, expectedVersion: UInt64, _ events: [NewEvent]) throws -> [RecordedEvent] {
        // A new stream needs no lookup: if it exists after all, UNIQUE(stream, version) refuses the insert.
        if expectedVersion > 0 {
            let actual = try LogQueries.streamVersion(db, stream)
            guard actual == expectedVersion else {
                throw StoreError.versionConflict(stream: stream, expected: expectedVersion, actual: actual)
            }
        }
        var recorded: [RecordedEvent] = []
        touchedStreams[stream, default: []].formUnion(events.map(\.type))
        touchedKinds.insert(stream.prefix { $0 != "-" })
        let insert = "INSERT INTO events (position, stream, version, type, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?)"
        for (offset, event) in events.enumerated() {
            let position = head + 1
            let version = expectedVersion + UInt64(offset) + 1
            do {
                try db.run(insert, .integer(Int64(position)), .text(stream), .integer(Int64(version)),
                           .text(event.type), .blob(event.payload), .integer(now))
            } catch let error as SQLiteError where error.isConstraintViolation && expectedVersion == 0 {
                throw StoreError.versionConflict(stream: stream, expected: 0, actual: try LogQueries.streamVersion(db, stream))
            }
            let record = RecordedEvent(position: position, stream: stream, version: version, type: event.type,
                                       payload: event.payload, recordedAt: now)
            for projection in projections { try projection.apply(record, in: db) }
            head = position
            recorded.append(record)
        }
        return recorded
    }

    /// Whether this transaction has appended to a stream of this kind ("integration" for
    /// "integration-…"), even in a write since rolled back: then in-memory views may be behind it.
    public func hasAppended(toStreamsOfKind kind: String) -> Bool {
        refreshesEverything || touchedKinds.contains(Substring(kind))
    }

    /// Puts the head back after a job's savepoint was rolled back.
    func rewind(to position: LogPosition) { head = position }

    func writeCheckpoints() throws {
        for projection in projections {
            try db.run("INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                       .text(projection.name), .integer(Int64(head)))
        }
    }
}
