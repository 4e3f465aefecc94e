import DequeModule
import HeapModule
import HeraldCore

/// The reactor's timetable: open deliveries by due time, what is in flight per integration, and when
/// each integration may be sent to next. Pure bookkeeping; the reactor does the IO.
///
/// Due entries wait in a heap. One that is due but whose integration is busy or paced is parked in
/// that integration's line, so a slow endpoint's backlog costs nothing when others are scheduled:
/// every operation is O(log n) in the number of deliveries waiting.
struct DeliveryQueue {
    struct Entry: Sendable {
        let id: DeliveryID
        let integrationID: IntegrationID
        let eventID: String
        let eventType: EventType
        let dueAt: Int64
        let platform: Platform
    }

    /// Ties on the due time go in the order they were added (a number, not the id: comparing ids
    /// showed in profiles, since a whole fan-out falls due at once).
    private struct Due: Comparable {
        let dueAt: Int64
        let order: UInt64
        let id: DeliveryID
        static func < (a: Due, b: Due) -> Bool { (a.dueAt, a.order) < (b.dueAt, b.order) }
        static func == (a: Due, b: Due) -> Bool { (a.dueAt, a.order) == (b.dueAt, b.order) }
    }

    let pacing: Pacing
    let limit: Int
    private var waiting: [DeliveryID: Entry] = [:]
    private var heap = Heap<Due>()
    private var added: UInt64 = 0
    private var parked: [IntegrationID: Deque<Entry>] = [:]
    private var inFlight: [IntegrationID: Int] = [:]
    private var inFlightIDs: Set<DeliveryID> = []
    private var notBefore: [IntegrationID: Int64] = [:]

    init(pacing: Pacing, limit: Int) {
        self.pacing = pacing
        self.limit = limit
    }

    var count: Int { waiting.count + inFlightIDs.count }
    var inFlightCount: Int { inFlightIDs.count }

    mutating func add(_ delivery: Delivery, platform: Platform) {
        guard !inFlightIDs.contains(delivery.id) else { return }
        let entry = Entry(
            id: delivery.id, integrationID: delivery.integrationID, eventID: delivery.eventID,
            eventType: delivery.eventType, dueAt: delivery.nextAttemptAt ?? 0, platform: platform)
        waiting[delivery.id] = entry
        added += 1
        heap.insert(Due(dueAt: entry.dueAt, order: added, id: entry.id))
    }

    /// Forgets a delivery (it was cancelled); stale heap and line entries are skipped later.
    mutating func remove(_ id: DeliveryID) {
        waiting.removeValue(forKey: id)
    }

    /// Takes every entry that is due and allowed to start: parked ones first, then by due time.
    mutating func takeDue(now: Int64) -> [Entry] {
        var started: [Entry] = []
        // Over the keys, not the lines: iterating the dictionary would hold a second reference to
        // every line, and the first pop would copy a whole backlog.
        for integration in Array(parked.keys) {
            guard let platform = parked[integration]?.first?.platform else { continue }
            while inFlightIDs.count < limit, canStart(integration, platform, now: now), let entry = parked[integration]?.popFirst() {
                guard isCurrent(entry) else { continue }
                start(entry, now: now)
                started.append(entry)
            }
            if parked[integration]?.isEmpty == true { parked.removeValue(forKey: integration) }
        }
        while inFlightIDs.count < limit, let top = heap.min, top.dueAt <= now {
            _ = heap.popMin()
            guard let entry = waiting[top.id], entry.dueAt == top.dueAt else { continue }
            if parked[entry.integrationID] == nil, canStart(entry.integrationID, entry.platform, now: now) {
                start(entry, now: now)
                started.append(entry)
            } else {
                parked[entry.integrationID, default: []].append(entry)
            }
        }
        return started
    }

    mutating func finish(_ id: DeliveryID, integration: IntegrationID, now: Int64, pause: Duration? = nil) {
        if let pause { notBefore[integration] = max(notBefore[integration, default: 0], now + pause.milliseconds) }
        guard inFlightIDs.remove(id) != nil else { return }
        inFlight[integration, default: 1] -= 1
        if inFlight[integration] == 0 { inFlight.removeValue(forKey: integration) }
    }

    /// When something waiting could next start, if anything could before an attempt finishes.
    func nextWake(now: Int64) -> Int64? {
        guard inFlightIDs.count < limit else { return nil }
        var wake = heap.min?.dueAt
        for (integration, line) in parked {
            guard let platform = line.first?.platform, inFlight[integration, default: 0] < pacing.concurrency(for: platform) else { continue }
            let at = notBefore[integration, default: 0]
            wake = min(wake ?? at, at)
        }
        return wake
    }

    private func canStart(_ integration: IntegrationID, _ platform: Platform, now: Int64) -> Bool {
        inFlight[integration, default: 0] < pacing.concurrency(for: platform) && notBefore[integration, default: 0] <= now
    }

    private func isCurrent(_ entry: Entry) -> Bool {
        waiting[entry.id]?.dueAt == entry.dueAt
    }

    private mutating func start(_ entry: Entry, now: Int64) {
        waiting.removeValue(forKey: entry.id)
        inFlight[entry.integrationID, default: 0] += 1
        inFlightIDs.insert(entry.id)
        notBefore[entry.integrationID] = now + pacing.interval(for: entry.platform).milliseconds
    }
}
