import HeraldCore
import HeraldStore

/// The writer's view of one group-commit transaction: appends, and reads that see them.
final class SQLiteUnitOfWork: UnitOfWorkReadingViews {
    let db: SQLiteConnection
    private let projections: [any Projection]
    private let integrationsInMemory: IntegrationsCache
    let now: Int64
    private(set) var head: LogPosition
    /// Streams appended to, with the types of their new events; a rolled-back write may leave one
    /// here, which costs only a re-read.
    private(set) var touchedStreams: [StreamName: Set<String>] = [:]
    /// Whether any write of the transaction, even one since rolled back, appended to an integration:
    /// then the in-memory view may be behind it.
    private var touchedIntegrations = false
    /// Set when a write changed views without appending, as a rebuild does.
    var refreshesEverything = false

    init(db: SQLiteConnection, projections: [any Projection], integrations: IntegrationsCache, now: Int64, head: LogPosition) {
        self.db = db
        self.projections = projections
        integrationsInMemory = integrations
        self.now = now
        self.head = head
    }

    @discardableResult
    func append(to stream: StreamName, expectedVersion: UInt64, _ events: [NewEvent]) throws -> [RecordedEvent] {
        // A new stream needs no lookup: if it exists after all, UNIQUE(stream, version) refuses the insert.
        if expectedVersion > 0 {
            let actual = try LogQueries.streamVersion(db, stream)
            guard actual == expectedVersion else {
                throw StoreError.versionConflict(stream: stream, expected: expectedVersion, actual: actual)
            }
        }
        var recorded: [RecordedEvent] = []
        touchedStreams[stream, default: []].formUnion(events.map(\.type))
        if stream.kind == .integration { touchedIntegrations = true }
        let insert = "INSERT INTO events (position, stream, version, type, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?)"
        for (offset, event) in events.enumerated() {
            let position = head + 1
            let version = expectedVersion + UInt64(offset) + 1
            do {
                try db.run(
                    insert, .integer(Int64(position)), .text(stream.rawValue), .integer(Int64(version)),
                    .text(event.type), .blob(event.payload), .integer(now))
            } catch let error as SQLiteError where error.isConstraintViolation && expectedVersion == 0 {
                throw StoreError.versionConflict(stream: stream, expected: 0, actual: try LogQueries.streamVersion(db, stream))
            }
            let record = RecordedEvent(
                position: position, stream: stream, version: version, type: event.type,
                payload: event.payload, recordedAt: now)
            for projection in projections { try projection.apply(record, in: db) }
            head = position
            recorded.append(record)
        }
        return recorded
    }

    /// Puts the head back after a job's savepoint was rolled back.
    func rewind(to position: LogPosition) { head = position }

    func writeCheckpoints() throws {
        for projection in projections {
            try db.run(
                "INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                .text(projection.name), .integer(Int64(head)))
        }
    }

    // MARK: Reads inside the transaction

    var views: SQLiteViews { SQLiteViews(db: db) }

    /// The in-memory view is the committed one: good enough unless this very transaction has
    /// changed an integration already. (It spares a fan-out a query of the table.)
    func integrations(ofProject projectID: String) throws -> [Integration] {
        touchedIntegrations || refreshesEverything
            ? try views.integrations(ofProject: projectID) : integrationsInMemory.integrations(ofProject: projectID)
    }

}

/// The views' queries on one connection.
struct SQLiteViews: ViewReader {
    let db: SQLiteConnection

    func integration(_ id: IntegrationID) throws -> Integration? { try IntegrationsView.integration(id, in: db) }
    func integration(projectID: String, url: String) throws -> Integration? {
        try IntegrationsView.integration(projectID: projectID, url: url, in: db)
    }
    func integrations(ofProject projectID: String) throws -> [Integration] { try IntegrationsView.all(projectID: projectID, in: db) }
    func delivery(_ id: DeliveryID) throws -> Delivery? { try DeliveriesView.delivery(id, in: db) }
    func openDeliveries(of integrationID: IntegrationID) throws -> [Delivery] { try DeliveriesView.open(integrationID: integrationID, in: db) }
    func allOpenDeliveries() throws -> [Delivery] { try DeliveriesView.allOpen(in: db) }
    func deliveries(matching filter: DeliveryFilter, limit: Int) throws -> [Delivery] { try DeliveriesView.list(filter, limit: limit, in: db) }
    func attempts(of id: DeliveryID) throws -> [DeliveryEvent.Attempt] { try DeliveriesView.attempts(id, in: db) }
    func publication(_ eventID: String) throws -> PublicationRecord? { try DeliveriesView.publication(eventID, in: db) }
}
