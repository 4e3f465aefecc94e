import HeraldCore
import HeraldStore

/// Reads of the log that any connection can make.
enum LogQueries {
    static func events(_ db: SQLiteConnection, from position: LogPosition, limit: Int) throws -> [RecordedEvent] {
        try db.rows(
            "SELECT position, stream, version, type, data, recorded_at FROM events WHERE position >= ? ORDER BY position LIMIT ?",
            [.integer(Int64(clamping: position)), .integer(Int64(clamping: limit))], recorded)
    }

    /// Events of the given types in (`position`, `head`], in order: a follower skips the rest in SQLite.
    static func events(
        _ db: SQLiteConnection, after position: LogPosition, through head: LogPosition, types: [String],
        limit: Int
    ) throws -> [RecordedEvent] {
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
            position: LogPosition(row.int64(0)), stream: StreamName(row.string(1)), version: UInt64(row.int64(2)),
            type: row.string(3), payload: row.blob(4), recordedAt: row.int64(5))
    }

    static func head(_ db: SQLiteConnection) throws -> LogPosition {
        LogPosition(try db.scalar("SELECT max(position) FROM events") ?? 0)
    }

    static func streamVersion(_ db: SQLiteConnection, _ stream: StreamName) throws -> UInt64 {
        UInt64(try db.scalar("SELECT max(version) FROM events WHERE stream = ?", .text(stream.rawValue)) ?? 0)
    }

    static func checkpoints(_ db: SQLiteConnection) throws -> [String: LogPosition] {
        let pairs = try db.rows("SELECT name, position FROM checkpoints") { ($0.string(0), LogPosition($0.int64(1))) }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }
}
