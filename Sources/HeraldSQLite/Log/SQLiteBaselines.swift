import Foundation

/// SQLite alone, doing the least the log does: what the benchmark measures the log against.
package enum SQLiteBaselines {
    /// Appends rows of the same shape as the log's, `batch` per transaction, with the same schema
    /// and pragmas, for `duration`; returns each row's latency (its transaction's).
    package static func appendRows(path: String, batch: Int, duration: Duration) throws -> [Duration] {
        try? FileManager.default.removeItem(atPath: path)
        let db = try SQLiteConnection(path: path)
        try db.execute("PRAGMA journal_mode = WAL")
        try Schema.migrate(db)
        try db.execute("PRAGMA synchronous = FULL")
        let payload = [UInt8](repeating: 0x2A, count: 150)
        var latencies: [Duration] = []
        var position: Int64 = 0
        let start = ContinuousClock.now
        while ContinuousClock.now - start < duration {
            let began = ContinuousClock.now
            try db.execute("BEGIN IMMEDIATE")
            for _ in 0..<batch {
                position += 1
                try db.run(
                    "INSERT INTO events (position, stream, version, type, data, recorded_at) VALUES (?, ?, 1, 'Bench', ?, 0)",
                    .integer(position), .text("raw-\(position)"), .blob(payload))
            }
            try db.execute("COMMIT")
            latencies += Array(repeating: ContinuousClock.now - began, count: batch)
        }
        return latencies
    }

    /// Reads every event of the log at `path`, as a rebuild must; returns how long it took.
    package static func scanEvents(path: String) throws -> Duration {
        let db = try SQLiteConnection(path: path, readOnly: true)
        let start = ContinuousClock.now
        var bytes = 0
        _ = try db.rows("SELECT position, stream, version, type, data, recorded_at FROM events") { row in
            bytes += row.blob(4).count + row.string(1).utf8.count + row.string(3).utf8.count
        }
        precondition(bytes >= 0)
        return ContinuousClock.now - start
    }
}
