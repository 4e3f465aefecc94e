import HeraldCore
import HeraldWire
import Synchronization

/// An event log in memory, with the same views and guarantees as a durable one except durability:
/// for fast tests of everything above the store. Units of work run one at a time, on the caller's
/// thread, against a copy of the state that replaces it only if the body succeeds.
public final class MemoryEventLog: EventLog {
    public let integrations = IntegrationsCache()
    private let clock: @Sendable () -> Int64
    private let state = Mutex(MemoryViews())
    /// Held for the whole of a unit of work, so that units run one after another; `state` is held
    /// only to take or swap the value.
    private let writing = Mutex(false)
    private let notices = CommitNotices()

    public init(clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds) {
        self.clock = clock
    }

    public var location: StoreLocation { StoreLocation(kind: "memory", address: "") }

    public var knownHead: LogPosition { currentHead }

    /// The views are updated with each append, so each stands at the head.
    public var knownCheckpoints: [Checkpoint] {
        let head = currentHead
        return [Checkpoint(name: "integrations", position: head), Checkpoint(name: "deliveries", position: head)]
    }

    public func write<T: Sendable>(
        deadline: ContinuousClock.Instant?,
        _ body: @escaping @Sendable (any UnitOfWork) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let outcome: Result<T, any Error> = writing.withLock { closed in
            if closed { return .failure(StoreError.closed) }
            if let deadline, deadline <= .now { return .failure(StoreError.deadlineExceeded) }
            let unit = MemoryUnitOfWork(views: state.withLock { $0 }, now: clock())
            let before = unit.views.events.count
            do {
                let value = try body(unit)
                let views = unit.views
                state.withLock { $0 = views }
                integrations.update(views.integrationsChanged(since: before))
                if views.events.count > before {
                    // Inside the lock: notices go out in commit order.
                    let types = Set(views.events[before...].map(\.type))
                    notices.notify(CommitNotice(head: LogPosition(views.events.count), eventTypes: types))
                }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let value):
            completion(.success(value))
        case .failure(let error):
            completion(.failure(error))
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any ViewReader) throws -> T) async throws -> T {
        try body(state.withLock { $0 })
    }

    public func events(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        let events = state.withLock { $0.events }
        let start = Int(clamping: max(position, 1)) - 1
        guard start < events.count, limit > 0 else { return [] }
        return Array(events[start..<min(events.count, start + min(limit, events.count))])
    }

    public func events(after position: LogPosition, through head: LogPosition, types: [String], limit: Int) async throws -> [RecordedEvent] {
        let events = state.withLock { $0.events }
        let wanted = Set(types)
        let start = Int(clamping: position)
        let end = min(events.count, Int(clamping: head))
        guard start < end else { return [] }
        return Array(events[start..<end].lazy.filter { wanted.contains($0.type) }.prefix(max(0, limit)))
    }

    public func head() async throws -> LogPosition { currentHead }

    private var currentHead: LogPosition { state.withLock { LogPosition($0.events.count) } }

    public func checkpoints() async throws -> [Checkpoint] { knownCheckpoints }

    public func subscribe(_ handler: @escaping @Sendable (CommitNotice) -> Void) -> LogSubscription {
        notices.subscribe(handler)
    }

    public func rebuildViews(every: Int, progress: @escaping @Sendable (_ processed: UInt64, _ total: UInt64) -> Void) async throws -> UInt64 {
        try writing.withLock { closed in
            if closed { throw StoreError.closed }
            let current = state.withLock { $0 }
            let events = current.events
            var views = MemoryViews(events: events, streamVersions: current.streamVersions)
            let total = UInt64(events.count)
            progress(0, total)
            for (index, event) in events.enumerated() {
                try views.apply(event)
                if (index + 1) % max(every, 1) == 0 || index + 1 == events.count { progress(UInt64(index + 1), total) }
            }
            state.withLock { $0 = views }
            integrations.replaceAll(Array(views.integrationsByID.values))
            return total
        }
    }

    public func close() async {
        writing.withLock { $0 = true }
    }
}

/// A unit of work on a copy of the views.
private final class MemoryUnitOfWork: UnitOfWorkReadingViews {
    var views: MemoryViews
    let now: Int64

    init(views: MemoryViews, now: Int64) {
        self.views = views
        self.now = now
    }

    func append(to stream: StreamName, expectedVersion: UInt64, _ events: [NewEvent]) throws -> [RecordedEvent] {
        let actual = views.streamVersions[stream, default: 0]
        guard actual == expectedVersion else {
            throw StoreError.versionConflict(stream: stream, expected: expectedVersion, actual: actual)
        }
        var recorded: [RecordedEvent] = []
        for (offset, event) in events.enumerated() {
            let record = RecordedEvent(
                position: LogPosition(views.events.count + 1), stream: stream,
                version: expectedVersion + UInt64(offset) + 1, type: event.type,
                payload: event.payload, recordedAt: now)
            views.events.append(record)
            views.streamVersions[stream] = record.version
            try views.apply(record)
            recorded.append(record)
        }
        return recorded
    }
}

/// The log and its views as values: copying them is how a unit of work can be undone.
struct MemoryViews: ViewReader {
    var events: [RecordedEvent] = []
    var streamVersions: [StreamName: UInt64] = [:]
    var integrationsByID: [IntegrationID: Integration] = [:]
    var deliveriesByID: [DeliveryID: Delivery] = [:]
    var attemptsByDelivery: [DeliveryID: [DeliveryEvent.Attempt]] = [:]
    var publications: [String: PublicationRecord] = [:]
    /// The position at which each integration last changed, for refreshing the in-memory view.
    var integrationChanges: [IntegrationID: Int] = [:]

    /// The same folds as every other implementation's views, from the same domain functions.
    mutating func apply(_ event: RecordedEvent) throws {
        if let publication = try StoredEvent.decodePublication(type: event.type, payload: event.payload) {
            publications[publication.event.eventID] = PublicationRecord(event: publication.event, deliveryIDs: publication.deliveryIDs)
            for delivery in publication.deliveries(recordedAt: event.recordedAt) { deliveriesByID[delivery.id] = delivery }
            return
        }
        if let id = event.stream.integrationID {
            guard let change = try StoredEvent.decodeIntegration(type: event.type, payload: event.payload),
                let next = Integration.evolve(integrationsByID[id], change, recordedAt: event.recordedAt)
            else { return }
            integrationsByID[id] = next
            integrationChanges[id] = Int(event.position)
            return
        }
        guard let id = event.stream.deliveryID,
            let change = try StoredEvent.decodeDelivery(type: event.type, payload: event.payload),
            let current = deliveriesByID[id]
        else { return }
        deliveriesByID[id] = Delivery.evolve(current, change, recordedAt: event.recordedAt)
        guard case .attempted(let attempt) = change else { return }
        var attempts = attemptsByDelivery[id, default: []]
        attempts.removeAll { $0.number == attempt.number }
        var kept = attempt
        kept.nextAttemptAt = 0
        attempts.append(kept)
        attemptsByDelivery[id] = attempts.sorted { $0.number < $1.number }
        if let integration = integrationsByID[current.integrationID] {
            integrationsByID[current.integrationID]?.health = integration.health.recording(attempt)
            integrationChanges[current.integrationID] = Int(event.position)
        }
    }

    func integrationsChanged(since count: Int) -> [Integration] {
        integrationChanges.compactMap { $0.value > count ? integrationsByID[$0.key] : nil }
    }

    func integration(_ id: IntegrationID) throws -> Integration? { integrationsByID[id] }

    func integration(projectID: String, url: String) throws -> Integration? {
        integrationsByID.values.filter { $0.projectID == projectID && $0.url == url }.min { $0.createdAt < $1.createdAt }
    }

    func integrations(ofProject projectID: String) throws -> [Integration] {
        integrationsByID.values.filter { $0.projectID == projectID }
    }

    func delivery(_ id: DeliveryID) throws -> Delivery? { deliveriesByID[id] }

    func openDeliveries(of integrationID: IntegrationID) throws -> [Delivery] {
        deliveriesByID.values.filter { $0.integrationID == integrationID && $0.status.isOpen }
    }

    func allOpenDeliveries() throws -> [Delivery] {
        deliveriesByID.values.filter(\.status.isOpen).sorted { ($0.nextAttemptAt ?? 0, $0.id.rawValue) < ($1.nextAttemptAt ?? 0, $1.id.rawValue) }
    }

    func deliveries(matching filter: DeliveryFilter, limit: Int) throws -> [Delivery] {
        Array(deliveriesByID.values.filter(filter.matches).sorted { $0.id.rawValue > $1.id.rawValue }.prefix(max(0, limit)))
    }

    func attempts(of id: DeliveryID) throws -> [DeliveryEvent.Attempt] { attemptsByDelivery[id] ?? [] }

    func publication(_ eventID: String) throws -> PublicationRecord? { publications[eventID] }
}
