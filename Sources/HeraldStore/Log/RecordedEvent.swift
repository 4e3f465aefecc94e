import HeraldCore

/// An event as the log holds it.
public struct RecordedEvent: Sendable, Equatable {
    public let position: LogPosition
    public let stream: String
    public let version: UInt64
    public let type: String
    public let payload: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let recordedAt: Int64

    public init(position: LogPosition, stream: String, version: UInt64, type: String, payload: [UInt8], recordedAt: Int64) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.payload = payload
        self.recordedAt = recordedAt
    }
}

/// An event to append: its type name and serialized payload.
public struct NewEvent: Sendable {
    public let type: String
    public let payload: [UInt8]

    public init(type: String, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }
}

/// Reads of the log that any connection can make.
enum LogQueries {
    static func events(_ db: SQLiteConnection, from position: LogPosition, limit: Int) throws -> [RecordedEvent] {
        try db.rows(
            "SELECT position, stream, version, type, data, recorded_at FROM events WHERE position >= ? ORDER BY position LIMIT ?",
            [.integer(Int64(clamping: position)), .integer(Int64(clamping: limit))], recorded)
    }

    /// Events of the given types in (`position`, `head`], in order: a follower skips the rest in SQLite.
    static func events(_ db: SQLiteConnection, after position: LogPosition, through head: LogPosition, types: [String],
                       limit: Int) throws -> [RecordedEvent] {
        let placeholders = Array(repeating: "?", count: types.count).joined(separator: ", ")
        return try db.rows(
            """
            SELECT position, stream, version, type, data, recorded_at FROM events
            WHERE position > ? AND position <= ? AND type IN (\(placeholders)) ORDER BY position LIMIT ?
            """,
            [.integer(Int64(clamping: position)), .integer(Int64(clamping: head))] + types.map { .text($0) }
                + [.integer(Int64(clamping: limit))], recorded)
    }

    /// A row of `SELECT position, stream, version, type, data, recorded_at FROM events`.
    private static func recorded(_ row: Statement) -> RecordedEvent {
        RecordedEvent(
            position: LogPosition(row.int64(0)), stream: row.string(1), version: UInt64(row.int64(2)),
            type: row.string(3), payload: row.blob(4), recordedAt: row.int64(5))
    }

    static func head(_ db: SQLiteConnection) throws -> LogPosition {
        LogPosition(try db.scalar("SELECT max(position) FROM events") ?? 0)
    }

    static func streamVersion(_ db: SQLiteConnection, _ stream: String) throws -> UInt64 {
        UInt64(try db.scalar("SELECT max(version) FROM events WHERE stream = ?", .text(stream)) ?? 0)
    }

    static func checkpoints(_ db: SQLiteConnection) throws -> [String: LogPosition] {
        let pairs = try db.rows("SELECT name, position FROM checkpoints") { ($0.string(0), LogPosition($0.int64(1))) }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }
}
