import HeraldCore
import HeraldStore
import HeraldWire

/// The integrations view: one row per integration, folded with `Integration.evolve`, the same
/// function the decider's state comes from.
struct IntegrationsProjection: Projection {
    let name = "integrations"
    /// What reads are served from.
    let cache: IntegrationsCache

    init(cache: IntegrationsCache) {
        self.cache = cache
    }

    func didCommit(streams: [StreamName: Set<String>]?, in db: SQLiteConnection) throws {
        guard let streams else {
            cache.replaceAll(try IntegrationsView.list(projectID: nil, in: db))
            return
        }
        // A delivery's attempts change its integration's health, so they refresh it too.
        var ids = Set<IntegrationID>()
        for (stream, types) in streams {
            if let id = stream.integrationID {
                ids.insert(id)
            } else if let delivery = stream.deliveryID, types.contains("DeliveryAttempted"),
                let id = try DeliveriesView.integrationID(of: delivery, in: db)
            {
                ids.insert(id)
            }
        }
        cache.update(try ids.compactMap { try IntegrationsView.integration($0, in: db) })
    }

    func apply(_ event: RecordedEvent, in db: SQLiteConnection) throws {
        guard let id = event.stream.integrationID,
            let change = try StoredEvent.decodeIntegration(type: event.type, payload: event.payload)
        else { return }
        // An integration's first event makes it; there is nothing to read before it.
        let current = event.version == 1 ? nil : try IntegrationsView.integration(id, in: db)
        guard let next = Integration.evolve(current, change, recordedAt: event.recordedAt) else { return }
        let events = next.events.map(\.rawValue).joined(separator: ",")
        if current == nil {
            try db.run(
                """
                INSERT OR REPLACE INTO integrations
                    (id, project_id, platform, name, url, masked_url, events, status, created_at, updated_at, version, signing_secret)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                .text(next.id.rawValue), .text(next.projectID), .text(next.platform.rawValue), .text(next.name),
                .text(next.url), .text(next.maskedURL), .text(events), .text(next.status.rawValue),
                .integer(next.createdAt), .integer(next.updatedAt), .integer(Int64(next.version)), .text(next.signingSecret))
        } else if next.url != current?.url {
            try db.run(
                "UPDATE integrations SET name = ?, url = ?, masked_url = ?, events = ?, status = ?, updated_at = ?, version = ? WHERE id = ?",
                .text(next.name), .text(next.url), .text(next.maskedURL), .text(events), .text(next.status.rawValue),
                .integer(next.updatedAt), .integer(Int64(next.version)), .text(next.id.rawValue))
        } else {
            // Leaving url out of the SET spares SQLite from rewriting the URL index entry.
            try db.run(
                "UPDATE integrations SET name = ?, events = ?, status = ?, updated_at = ?, version = ?, signing_secret = ? WHERE id = ?",
                .text(next.name), .text(events), .text(next.status.rawValue), .integer(next.updatedAt),
                .integer(Int64(next.version)), .text(next.signingSecret), .text(next.id.rawValue))
        }
    }

    func clear(in db: SQLiteConnection) throws {
        try db.execute("DELETE FROM integrations")
    }
}

/// Queries of the integrations view.
enum IntegrationsView {
    private static let columns =
        """
        id, project_id, platform, name, url, events, status, created_at, updated_at, version, masked_url, signing_secret,
        last_attempt_at, last_http_status, last_error, consecutive_failures
        """
    private static let selectByID = "SELECT \(columns) FROM integrations WHERE id = ?"
    private static let selectByProject = "SELECT \(columns) FROM integrations WHERE project_id = ?"
    private static let selectByURL = "SELECT \(columns) FROM integrations WHERE project_id = ? AND url = ? LIMIT 1"

    static func integration(_ id: IntegrationID, in db: SQLiteConnection) throws -> Integration? {
        try db.firstRow(selectByID, [.text(id.rawValue)], row)
    }

    /// The integration of `projectID` with exactly this webhook URL, if any.
    static func integration(projectID: String, url: String, in db: SQLiteConnection) throws -> Integration? {
        try db.firstRow(
            selectByURL, [.text(projectID), .text(url)], row)
    }

    /// Every integration of a project, in no particular order: the candidates of a fan-out.
    static func all(projectID: String, in db: SQLiteConnection) throws -> [Integration] {
        try db.rows(selectByProject, [.text(projectID)], row)
    }

    /// Integrations in the order they were connected; all projects when `projectID` is nil.
    static func list(projectID: String?, in db: SQLiteConnection) throws -> [Integration] {
        if let projectID {
            return try db.rows(
                "SELECT \(columns) FROM integrations WHERE project_id = ? ORDER BY created_at, id", [.text(projectID)], row)
        }
        return try db.rows("SELECT \(columns) FROM integrations ORDER BY project_id, created_at, id", [], row)
    }

    private static func row(_ s: Statement) -> Integration {
        var integration = Integration(
            id: IntegrationID(s.string(0)), projectID: s.string(1), platform: Platform(rawValue: s.string(2)) ?? .custom,
            name: s.string(3), url: s.string(4),
            events: s.string(5).split(separator: ",").compactMap { EventType(rawValue: String($0)) },
            status: Integration.Status(rawValue: s.string(6)) ?? .reset, createdAt: s.int64(7), updatedAt: s.int64(8),
            version: UInt64(s.int64(9)), maskedURL: s.string(10), signingSecret: s.string(11))
        integration.health = Integration.Health(
            lastAttemptAt: s.int64(12), lastHTTPStatus: UInt32(clamping: s.int64(13)), lastError: s.string(14),
            consecutiveFailures: UInt32(clamping: s.int64(15)))
        return integration
    }
}
