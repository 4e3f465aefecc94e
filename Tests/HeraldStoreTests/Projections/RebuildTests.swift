import HeraldCore
import Synchronization
import HeraldWire
import Testing
@testable import HeraldStore

@Suite struct RebuildTests {
    /// Runs one command the way the daemon does: decide inside the write, append what was decided.
    func run(_ command: IntegrationCommand, on id: IntegrationID, _ store: EventStore) async throws {
        let decider = IntegrationDecider()
        _ = try? await store.write { transaction in
            let state: Integration? = if case .connect(let c) = command {
                try IntegrationsView.integration(projectID: c.projectID, url: c.url, in: transaction.db)
            } else {
                try IntegrationsView.integration(id, in: transaction.db)
            }
            let events = try decider.decide(command, state: state)
            guard !events.isEmpty else { return }
            let expected = if case .connect = command { UInt64(0) } else { state?.version ?? 0 }
            try transaction.append(stream: id.stream, expectedVersion: expected, events.map {
                let stored = StoredEvent.encode($0)
                return NewEvent(type: stored.type, payload: stored.payload)
            })
        }
    }

    func snapshot(_ store: EventStore) throws -> [Integration] {
        try store.read { try IntegrationsView.list(projectID: nil, in: $0) }
    }

    @Test func rebuiltViewsEqualLiveOnesAfterALongRandomHistory() async throws {
        try await withTemporaryDirectory { dir in
            // The clock ticks so that created and updated times differ between events.
            let tick = ManagedTick()
            let store = try EventStore(path: "\(dir)/h.db", synchronous: .normal, clock: { tick.next() })
            defer { store.close() }
            var random = SplitMix64(seed: 2026)
            var ids: [IntegrationID] = []
            let events = EventType.allCases.map(\.rawValue)
            for step in 0..<3_000 {
                let choice = ids.isEmpty ? 0 : random.next() % 5
                let url = "https://hooks.slack.com/services/T\(random.next() % 40)/B/X"
                let subscription = Array(events.shuffled(using: &random).prefix(Int(random.next() % 4) + 1))
                switch choice {
                case 0:
                    let id = IntegrationID.random(using: &random)
                    let project = "PRJ-\(random.next() % 5)"
                    try await run(.connect(.init(id: id, projectID: project, platform: "slack", name: "n\(step)", url: url, events: subscription)),
                                  on: id, store)
                    ids.append(id)
                case 1:
                    try await run(.edit(.init(name: random.next() % 2 == 0 ? "renamed \(step % 7)" : nil,
                                              url: random.next() % 3 == 0 ? url : nil, events: subscription)),
                                  on: ids.randomElement(using: &random)!, store)
                case 2:
                    try await run(.reset, on: ids.randomElement(using: &random)!, store)
                case 3:
                    try await run(.reconnect(url: random.next() % 2 == 0 ? url : nil), on: ids.randomElement(using: &random)!, store)
                default:
                    try await run(.edit(.init(events: ["bogus"])), on: ids.randomElement(using: &random)!, store)
                }
            }
            let live = try snapshot(store)
            let head = try store.head()
            #expect(store.integrations?.list(projectID: nil) == live, "the in-memory view matches the table")
            #expect(live.count > 100)
            #expect(head > 600)

            // An independent fold of the whole log gives the same states.
            var folded: [IntegrationID: Integration] = [:]
            for event in try store.events(from: 1, limit: Int(head)) {
                let id = IntegrationID(String(event.stream.dropFirst("integration-".count)))
                if let change = try StoredEvent.decodeIntegration(type: event.type, payload: event.payload) {
                    folded[id] = Integration.evolve(folded[id], change, recordedAt: event.recordedAt)
                }
            }
            #expect(Set(live.map(\.id)) == Set(folded.keys))
            for integration in live { #expect(folded[integration.id] == integration) }

            let indexes = { try store.read { try $0.rows("SELECT sql FROM sqlite_master WHERE type = 'index' ORDER BY name") { $0.string(0) } } }
            let indexesBefore = try indexes()
            let processed = try await store.rebuildProjections(every: 500) { _, _ in }
            #expect(processed == head)
            // The rebuild drops the views' indexes for the replay and makes them again.
            #expect(try indexes() == indexesBefore)
            #expect(try snapshot(store) == live)
            #expect(store.integrations?.list(projectID: nil) == live)
            #expect(try store.checkpoints().map(\.position) == [head, head])
        }
    }
}

final class ManagedTick: Sendable {
    private let now = Mutex<Int64>(1_700_000_000_000)
    func next() -> Int64 { now.withLock { $0 += 1; return $0 } }
}
