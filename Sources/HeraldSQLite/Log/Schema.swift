import HeraldStore

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
        // 2: publications and deliveries, integration health and signing secrets.
        """
        ALTER TABLE integrations ADD COLUMN signing_secret TEXT NOT NULL DEFAULT '';
        ALTER TABLE integrations ADD COLUMN last_attempt_at INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE integrations ADD COLUMN last_http_status INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE integrations ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
        ALTER TABLE integrations ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX integrations_by_project ON integrations (project_id);
        CREATE TABLE publications (
            event_id     TEXT PRIMARY KEY,
            project_id   TEXT NOT NULL,
            project_name TEXT NOT NULL,
            event_type   TEXT NOT NULL,
            timestamp    TEXT NOT NULL,
            data_json    TEXT NOT NULL,
            delivery_ids TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE deliveries (
            id               TEXT PRIMARY KEY,
            event_id         TEXT    NOT NULL,
            integration_id   TEXT    NOT NULL,
            project_id       TEXT    NOT NULL,
            event_type       TEXT    NOT NULL,
            status           TEXT    NOT NULL,
            attempt_count    INTEGER NOT NULL,
            series_attempts  INTEGER NOT NULL,
            next_attempt_at  INTEGER,
            created_at       INTEGER NOT NULL,
            updated_at       INTEGER NOT NULL,
            last_http_status INTEGER NOT NULL,
            last_error       TEXT    NOT NULL,
            version          INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX deliveries_by_integration ON deliveries (integration_id, status);
        CREATE INDEX deliveries_by_status ON deliveries (status, next_attempt_at);
        CREATE TABLE delivery_attempts (
            delivery_id      TEXT    NOT NULL,
            number           INTEGER NOT NULL,
            started_at       INTEGER NOT NULL,
            duration_ms      INTEGER NOT NULL,
            http_status      INTEGER NOT NULL,
            error            TEXT    NOT NULL,
            response_snippet TEXT    NOT NULL,
            location         TEXT    NOT NULL,
            outcome          TEXT    NOT NULL,
            PRIMARY KEY (delivery_id, number)
        ) WITHOUT ROWID;
        """,
        // 3: one index fewer to write for every delivery. Listing walks the primary key (delivery ids
        // are time-ordered), and only the reactor's start looks for open deliveries, once.
        """
        DROP INDEX deliveries_by_status;
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
