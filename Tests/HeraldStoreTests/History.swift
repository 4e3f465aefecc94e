import HeraldCore
import HeraldStore
import HeraldWire

/// A long, seeded, random history of commands, run the way the daemon runs them (the decider
/// inside the unit of work, on the state the views give it): integrations connected, edited, reset
/// and reconnected; events published and fanned out; attempts that fail, succeed and run out;
/// cancellations and manual retries. The same seed gives the same history on every backend.
struct History {
    private var random: SplitMix64
    private var integrations: [IntegrationID] = []
    private var deliveries: [DeliveryID] = []
    private let integrationDecider = IntegrationDecider()
    private let deliveryDecider = DeliveryDecider(policy: RetryPolicy(schedule: [.seconds(1), .seconds(2)], attemptTimeout: .seconds(1)))

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Runs `steps` commands against `log`, one unit of work each; a command the decider refuses
    /// is skipped, as the daemon would answer it with an error.
    mutating func run(_ steps: Int, on log: any EventLog) async throws {
        for step in 0..<steps { try await runOne(step, on: log) }
    }

    private mutating func runOne(_ step: Int, on log: any EventLog) async throws {
        let choice = integrations.isEmpty ? 0 : Int(random.next() % 10)
        let project = "PRJ-\(random.next() % 3)"
        let types = Array(EventType.allCases.shuffled(using: &random).prefix(Int(random.next() % 4) + 1)).map(\.rawValue)
        switch choice {
        case 0, 1:
            let id = IntegrationID.random(using: &random)
            let url = "https://hooks.slack.com/services/T\(random.next() % 30)/B/X"
            let command = IntegrationCommand.connect(.init(id: id, projectID: project, platform: "slack", name: "n\(step)", url: url, events: types))
            if try await integration(command, id, on: log) { integrations.append(id) }
        case 2:
            let edit = IntegrationCommand.edit(.init(name: random.next() % 2 == 0 ? "renamed \(step)" : nil, events: types))
            _ = try await integration(edit, pick(integrations), on: log)
        case 3:
            _ = try await integration(random.next() % 2 == 0 ? .reset : .reconnect(url: nil), pick(integrations), on: log)
        case 4, 5, 6:
            let event = PublishedEvent(
                eventID: "evt-\(step)", projectID: project, projectName: project,
                type: EventType(rawValue: types[0])!, timestamp: "2026-01-01T00:00:00Z",
                dataJSON: #"{"id":"\#(step)","title":"t"}"#)
            let seed = random.next()
            let publication = try await log.write { [deliveryDecider] unit in
                var ids = SplitMix64(seed: seed)
                // In a fixed order: the views give a project's integrations in none, and the ids
                // handed out must go to the same integrations on every backend.
                let candidates = try unit.integrations(ofProject: event.projectID).sorted { $0.id.rawValue < $1.id.rawValue }
                let publication = deliveryDecider.fanOut(event, to: candidates) {
                    DeliveryID.random(using: &ids, now: UInt64(unit.now))
                }
                _ = try unit.append(publication)
                return publication
            }
            deliveries += publication.deliveryIDs
        default:
            guard !deliveries.isEmpty else { return }
            let id = pick(deliveries)
            let status: UInt32? = [200, 500, 503, nil][Int(random.next() % 4)]
            let retry = random.next() % 5 == 0
            _ = try? await log.write { [deliveryDecider] unit in
                guard let delivery = try unit.delivery(id) else { return }
                let events: [DeliveryEvent] =
                    if retry {
                        try deliveryDecider.retry(delivery, now: unit.now)
                    } else if delivery.status.isOpen {
                        deliveryDecider.recordAttempt(
                            AttemptResult(
                                httpStatus: status, error: status == nil ? "timed out" : "",
                                duration: .milliseconds(7)), startedAt: unit.now, on: delivery)
                    } else {
                        []
                    }
                guard !events.isEmpty else { return }
                try unit.append(events, to: id, expectedVersion: delivery.version)
            }
        }
    }

    /// One integration command and the cancellations it causes; whether it appended.
    private func integration(_ command: IntegrationCommand, _ id: IntegrationID, on log: any EventLog) async throws -> Bool {
        let decider = integrationDecider
        return
            (try? await log.write { unit in
                let state: Integration? =
                    if case .connect(let c) = command {
                        try unit.integration(projectID: c.projectID, url: c.url)
                    } else {
                        try unit.integration(id)
                    }
                let events = try decider.decide(command, state: state)
                guard !events.isEmpty else { return false }
                let expected = if case .connect = command { UInt64(0) } else { state?.version ?? 0 }
                let recorded = try unit.append(events, to: id, expectedVersion: expected)
                var after = state
                for (event, record) in zip(events, recorded) { after = Integration.evolve(after, event, recordedAt: record.recordedAt) }
                guard let after else { return true }
                let open = try unit.openDeliveries(of: id)
                for event in events {
                    for (delivery, reason) in DeliveryDecider().cancellations(after: event, of: after, open: open) {
                        try unit.append([.cancelled(reason: reason)], to: delivery.id, expectedVersion: delivery.version)
                    }
                }
                return true
            }) ?? false
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
}

/// Everything the views answer, in a form that compares.
struct ViewSnapshot: Equatable, CustomStringConvertible {
    var integrations: [Integration]
    var inMemory: [Integration]
    var deliveries: [Delivery]
    var open: [DeliveryID]
    var attempts: [DeliveryID: [DeliveryEvent.Attempt]]
    var publications: [String: PublicationRecord]

    init(_ log: any EventLog) async throws {
        let projects = ["PRJ-0", "PRJ-1", "PRJ-2"]
        let everything = try await log.read { views in
            let integrations = try projects.flatMap { try views.integrations(ofProject: $0) }
                .sorted { $0.id.rawValue < $1.id.rawValue }
            let deliveries = try views.deliveries(matching: DeliveryFilter(), limit: .max)
            let attempts = try Dictionary(uniqueKeysWithValues: deliveries.map { ($0.id, try views.attempts(of: $0.id)) })
            let publications = try Set(deliveries.map(\.eventID)).reduce(into: [String: PublicationRecord]()) {
                $0[$1] = try views.publication($1)
            }
            return (integrations, deliveries, try views.allOpenDeliveries().map(\.id).sorted { $0.rawValue < $1.rawValue }, attempts, publications)
        }
        (integrations, deliveries, open, attempts, publications) = everything
        inMemory = log.integrations.list(projectID: nil).sorted { $0.id.rawValue < $1.id.rawValue }
    }

    var description: String {
        "\(integrations.count) integrations, \(deliveries.count) deliveries (\(open.count) open), "
            + "\(attempts.values.map(\.count).reduce(0, +)) attempts"
    }
}
