/// The database schema, as numbered migrations. `PRAGMA user_version` records how many have run.
enum Schema {
    static let migrations: [String] = [
        // 1: the event log, checkpoints and the integrations view.
        """
        CREATE TABLE events (
            position    INTEGER PRIMARY KEY,
            stream      TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            type        TEXT    NOT NULL,
            data        BLOB    NOT NULL,
            recorded_at INTEGER NOT NULL,
            UNIQUE (stream, version)
        );
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TABLE checkpoints (
            name     TEXT PRIMARY KEY,
            position INTEGER NOT NULL
        );
        CREATE TABLE integrations (
            id          TEXT PRIMARY KEY,
            project_id  TEXT    NOT NULL,
            platform    TEXT    NOT NULL,
            name        TEXT    NOT NULL,
            url         TEXT    NOT NULL,
            masked_url  TEXT    NOT NULL,
            events      TEXT    NOT NULL,
            status      TEXT    NOT NULL,
            created_at  INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL,
            version     INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX integrations_by_url ON integrations (project_id, url);
        """,
    ]

    static func migrate(_ db: SQLiteConnection) throws {
        let current = Int(try db.scalar("PRAGMA user_version") ?? 0)
        guard current <= migrations.count else {
            throw StoreError.schemaTooNew(found: current, supported: migrations.count)
        }
        for (index, sql) in migrations.enumerated().dropFirst(current) {
            try db.execute("BEGIN IMMEDIATE")
            do {
                try db.execute(sql)
                try db.execute("PRAGMA user_version = \(index + 1)")
                try db.execute("COMMIT")
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }
}
