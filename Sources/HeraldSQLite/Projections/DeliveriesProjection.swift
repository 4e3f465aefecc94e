import HeraldCore
import HeraldStore
import HeraldWire

/// The publications and deliveries views, each delivery's attempts, and the health columns of the
/// integrations they went to.
struct DeliveriesProjection: Projection {
    let name = "deliveries"

    init() {}

    func apply(_ event: RecordedEvent, in db: SQLiteConnection) throws {
        if let publication = try StoredEvent.decodePublication(type: event.type, payload: event.payload) {
            let e = publication.event
            try db.run(
                """
                INSERT OR REPLACE INTO publications (event_id, project_id, project_name, event_type, timestamp, data_json, delivery_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                .text(e.eventID), .text(e.projectID), .text(e.projectName), .text(e.type.rawValue), .text(e.timestamp),
                .text(e.dataJSON), .text(publication.deliveryIDs.map(\.rawValue).joined(separator: ",")))
            for delivery in publication.deliveries(recordedAt: event.recordedAt) { try insert(delivery, in: db) }
            return
        }
        guard let id = event.stream.deliveryID,
            let change = try StoredEvent.decodeDelivery(type: event.type, payload: event.payload)
        else { return }
        guard let current = try DeliveriesView.delivery(id, in: db) else { return }
        let next = Delivery.evolve(current, change, recordedAt: event.recordedAt)
        try update(next, in: db)
        guard case .attempted(let attempt) = change else { return }
        try db.run(
            """
            INSERT OR REPLACE INTO delivery_attempts
                (delivery_id, number, started_at, duration_ms, http_status, error, response_snippet, location, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            .text(id.rawValue), .integer(Int64(attempt.number)), .integer(attempt.startedAt),
            .integer(Int64(attempt.durationMilliseconds)), .integer(Int64(attempt.httpStatus)), .text(attempt.error),
            .text(attempt.responseSnippet), .text(attempt.location), .text(attempt.outcome.rawValue))
        switch attempt.outcome {
        case .delivered:
            try db.run(
                "UPDATE integrations SET last_attempt_at = ?, last_http_status = ?, last_error = '', consecutive_failures = 0 WHERE id = ?",
                .integer(attempt.startedAt), .integer(Int64(attempt.httpStatus)), .text(next.integrationID.rawValue))
        case .failed, .exhausted:
            try db.run(
                """
                UPDATE integrations SET last_attempt_at = ?, last_http_status = ?, last_error = ?,
                    consecutive_failures = consecutive_failures + 1 WHERE id = ?
                """,
                .integer(attempt.startedAt), .integer(Int64(attempt.httpStatus)),
                .text(attempt.error.isEmpty ? "HTTP \(attempt.httpStatus)" : attempt.error), .text(next.integrationID.rawValue))
        case .cancelled:
            break
        }
    }

    private func insert(_ delivery: Delivery, in db: SQLiteConnection) throws {
        try db.run(
            """
            INSERT OR REPLACE INTO deliveries (id, event_id, integration_id, project_id, event_type, status, attempt_count,
                series_attempts, next_attempt_at, created_at, updated_at, last_http_status, last_error, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            .text(delivery.id.rawValue), .text(delivery.eventID), .text(delivery.integrationID.rawValue), .text(delivery.projectID),
            .text(delivery.eventType.rawValue), .text(delivery.status.rawValue), .integer(Int64(delivery.attemptCount)),
            .integer(Int64(delivery.seriesAttempts)), delivery.nextAttemptAt.map { .integer($0) } ?? .null,
            .integer(delivery.createdAt), .integer(delivery.updatedAt), .integer(Int64(delivery.lastHTTPStatus)),
            .text(delivery.lastError), .integer(Int64(delivery.version)))
    }

    /// Only what an event of the delivery's stream can change: the row stays where it is, and only
    /// an index whose columns changed is touched.
    private func update(_ delivery: Delivery, in db: SQLiteConnection) throws {
        try db.run(
            """
            UPDATE deliveries SET status = ?, attempt_count = ?, series_attempts = ?, next_attempt_at = ?, updated_at = ?,
                last_http_status = ?, last_error = ?, version = ?
            WHERE id = ?
            """,
            .text(delivery.status.rawValue), .integer(Int64(delivery.attemptCount)), .integer(Int64(delivery.seriesAttempts)),
            delivery.nextAttemptAt.map { .integer($0) } ?? .null, .integer(delivery.updatedAt),
            .integer(Int64(delivery.lastHTTPStatus)), .text(delivery.lastError), .integer(Int64(delivery.version)),
            .text(delivery.id.rawValue))
    }

    func clear(in db: SQLiteConnection) throws {
        try db.execute(
            """
            DELETE FROM publications;
            DELETE FROM deliveries;
            DELETE FROM delivery_attempts;
            UPDATE integrations SET last_attempt_at = 0, last_http_status = 0, last_error = '', consecutive_failures = 0;
            """)
    }
}

/// Queries of the deliveries views.
enum DeliveriesView {
    static let columns = """
        id, event_id, integration_id, project_id, event_type, status, attempt_count, series_attempts, next_attempt_at,
        created_at, updated_at, last_http_status, last_error, version
        """

    private static let selectByID = "SELECT \(columns) FROM deliveries WHERE id = ?"

    static func delivery(_ id: DeliveryID, in db: SQLiteConnection) throws -> Delivery? {
        try db.firstRow(selectByID, [.text(id.rawValue)], row)
    }

    /// Which integration a delivery goes to, without reading the rest of it.
    static func integrationID(of id: DeliveryID, in db: SQLiteConnection) throws -> IntegrationID? {
        try db.firstRow("SELECT integration_id FROM deliveries WHERE id = ?", [.text(id.rawValue)]) { IntegrationID($0.string(0)) }
    }

    /// Deliveries of an integration that still have an attempt to come.
    static func open(integrationID: IntegrationID, in db: SQLiteConnection) throws -> [Delivery] {
        try db.rows(
            "SELECT \(columns) FROM deliveries WHERE integration_id = ? AND status IN ('pending', 'failed')",
            [.text(integrationID.rawValue)], row)
    }

    /// Every delivery that still has an attempt to come, soonest first: the reactor's queue at start.
    /// A scan of the table, once per start; no index is kept up to date for it on every publish.
    static func allOpen(in db: SQLiteConnection) throws -> [Delivery] {
        try db.rows(
            "SELECT \(columns) FROM deliveries WHERE status IN ('pending', 'failed') ORDER BY next_attempt_at", [], row)
    }

    /// Newest first (ids are time-ordered, so the primary key gives the order), filtered by whichever
    /// of the arguments are given.
    static func list(_ filter: DeliveryFilter, limit: Int, in db: SQLiteConnection) throws -> [Delivery] {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if let id = filter.integrationID {
            conditions.append("integration_id = ?")
            values.append(.text(id.rawValue))
        }
        if let status = filter.status {
            conditions.append("status = ?")
            values.append(.text(status.rawValue))
        }
        if let type = filter.eventType {
            conditions.append("event_type = ?")
            values.append(.text(type.rawValue))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        values.append(.integer(Int64(clamping: limit)))
        return try db.rows("SELECT \(columns) FROM deliveries \(filter) ORDER BY id DESC LIMIT ?", values, row)
    }

    static func attempts(_ id: DeliveryID, in db: SQLiteConnection) throws -> [DeliveryEvent.Attempt] {
        try db.rows(
            """
            SELECT number, started_at, duration_ms, http_status, error, response_snippet, location, outcome
            FROM delivery_attempts WHERE delivery_id = ? ORDER BY number
            """, [.text(id.rawValue)]
        ) { s in
            DeliveryEvent.Attempt(
                number: UInt32(clamping: s.int64(0)), startedAt: s.int64(1), durationMilliseconds: UInt32(clamping: s.int64(2)),
                httpStatus: UInt32(clamping: s.int64(3)), error: s.string(4), responseSnippet: s.string(5), location: s.string(6),
                outcome: DeliveryEvent.Attempt.Outcome(rawValue: s.string(7)) ?? .failed, nextAttemptAt: 0)
        }
    }

    /// A published event and the ids of the deliveries its fan-out made.
    static func publication(_ eventID: String, in db: SQLiteConnection) throws -> PublicationRecord? {
        try db.firstRow(
            "SELECT event_id, project_id, project_name, event_type, timestamp, data_json, delivery_ids FROM publications WHERE event_id = ?",
            [.text(eventID)]
        ) { s in
            PublicationRecord(
                event: PublishedEvent(
                    eventID: s.string(0), projectID: s.string(1), projectName: s.string(2),
                    type: EventType(rawValue: s.string(3)) ?? .testCaseCreated, timestamp: s.string(4),
                    dataJSON: s.string(5)),
                deliveryIDs: s.string(6).split(separator: ",").map { DeliveryID(String($0)) })
        }
    }

    private static func row(_ s: Statement) -> Delivery {
        Delivery(
            id: DeliveryID(s.string(0)), eventID: s.string(1), integrationID: IntegrationID(s.string(2)), projectID: s.string(3),
            eventType: EventType(rawValue: s.string(4)) ?? .testCaseCreated, status: DeliveryStatus(rawValue: s.string(5)) ?? .failed,
            attemptCount: UInt32(clamping: s.int64(6)), seriesAttempts: UInt32(clamping: s.int64(7)),
            nextAttemptAt: s.isNull(8) ? nil : s.int64(8), createdAt: s.int64(9), updatedAt: s.int64(10),
            lastHTTPStatus: UInt32(clamping: s.int64(11)), lastError: s.string(12), version: UInt64(s.int64(13)))
    }
}
