import Foundation
import HeraldCore
import HeraldStore
import HeraldWire
import Synchronization
import Testing

/// The storage contract (`EventLog`'s guarantees), written once and run against every backend.
@Suite struct EventLogContractTests {
    func event(_ n: Int) -> NewEvent { NewEvent(type: "Test", payload: Array("event \(n)".utf8)) }
    func stream(_ name: String) -> StreamName { StreamName(name) }

    @Test(arguments: Backend.allCases) func appendsAndReadsByPosition(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            let recorded = try await log.write { try $0.append(to: stream("s-1"), expectedVersion: 0, [event(1), event(2)]) }
            #expect(recorded.map(\.position) == [1, 2])
            #expect(recorded.map(\.version) == [1, 2])
            try await log.write { try $0.append(to: stream("s-2"), expectedVersion: 0, [event(3)]) }
            #expect(try await log.head() == 3)
            let read = try await log.events(from: 2, limit: 10)
            #expect(read.map(\.stream) == [stream("s-1"), stream("s-2")])
            #expect(read.map(\.payload) == [Array("event 2".utf8), Array("event 3".utf8)])
            #expect(try await log.events(from: 0, limit: 1).map(\.position) == [1])
            #expect(try await log.events(from: 4, limit: 10).isEmpty)
            #expect(try await log.events(from: .max, limit: .max).isEmpty)
            #expect(try await log.events(from: 1, limit: 0).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases) func readsByTypeWithinARange(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            try await log.write { unit in
                for n in 1...6 {
                    try unit.append(to: stream("s-\(n)"), expectedVersion: 0, [NewEvent(type: n.isMultiple(of: 2) ? "Even" : "Odd", payload: [])])
                }
            }
            #expect(try await log.events(after: 1, through: 5, types: ["Even"], limit: 10).map(\.position) == [2, 4])
            #expect(try await log.events(after: 0, through: 6, types: ["Even", "Odd"], limit: 3).map(\.position) == [1, 2, 3])
            #expect(try await log.events(after: 6, through: 6, types: ["Even"], limit: 10).isEmpty)
            #expect(try await log.events(after: 0, through: .max, types: ["Odd"], limit: .max).map(\.position) == [1, 3, 5])
        }
    }

    @Test(arguments: Backend.allCases) func aVersionConflictFailsOnlyItsOwnUnitOfWork(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            try await log.write { try $0.append(to: stream("s"), expectedVersion: 0, [event(1)]) }
            for expected: UInt64 in [0, 2, 7] {
                await #expect(throws: StoreError.versionConflict(stream: stream("s"), expected: expected, actual: 1)) {
                    try await log.write { unit in
                        // What the unit appended before the conflict goes with it.
                        try unit.append(to: stream("other-\(expected)"), expectedVersion: 0, [event(9)])
                        try unit.append(to: stream("s"), expectedVersion: expected, [event(2)])
                    }
                }
            }
            try await log.write { try $0.append(to: stream("s"), expectedVersion: 1, [event(2)]) }
            #expect(try await log.events(from: 1, limit: 10).map(\.version) == [1, 2])
            #expect(try await log.events(from: 1, limit: 10).map(\.stream) == [stream("s"), stream("s")])
        }
    }

    @Test(arguments: Backend.allCases) func aUnitOfWorkThatThrowsLeavesNoTrace(_ backend: Backend) async throws {
        struct Refused: Error {}
        try await backend.withLog { log, _ in
            let connected = StoredEvent.encode(
                IntegrationEvent.connected(
                    .init(
                        id: IntegrationID("int_1"), projectID: "P", platform: .custom, name: "n", url: "https://x.test/h", events: [.testCaseCreated])))
            await #expect(throws: Refused.self) {
                try await log.write { unit in
                    try unit.append(to: IntegrationID("int_1").stream, expectedVersion: 0, [NewEvent(connected)])
                    #expect(try unit.integration(IntegrationID("int_1"))?.name == "n", "a unit sees its own appends")
                    throw Refused()
                }
            }
            #expect(try await log.head() == 0)
            #expect(try await log.read { try $0.integration(IntegrationID("int_1")) } == nil)
            #expect(log.integrations.integration(IntegrationID("int_1")) == nil)
            // The stream was never made: a new one may take its name.
            try await log.write {
                try $0.append(to: IntegrationID("int_1").stream, expectedVersion: 0, [NewEvent(connected)])
            }
            #expect(log.integrations.integration(IntegrationID("int_1"))?.version == 1)
        }
    }

    /// Many writers at once: every acknowledged write is in the log exactly once, positions have no
    /// gap, each write's events are together, and notices never go backwards.
    @Test(arguments: Backend.allCases) func concurrentWritersGetGaplessPositionsInCommitOrder(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            let heard = Mutex<[LogPosition]>([])
            let subscription = log.subscribe { notice in heard.withLock { $0.append(notice.head) } }
            defer { subscription.cancel() }
            let writers = 200
            let results = try await withThrowingTaskGroup(of: (Int, [RecordedEvent]?).self) { group in
                for n in 0..<writers {
                    group.addTask {
                        // Every tenth writer conflicts; the others must commit regardless.
                        let expected: UInt64 = n % 10 == 5 ? 3 : 0
                        let recorded = try? await log.write { try $0.append(to: stream("s-\(n)"), expectedVersion: expected, [event(n), event(n)]) }
                        return (n, recorded)
                    }
                }
                return try await group.reduce(into: [Int: [RecordedEvent]]()) { $0[$1.0] = $1.1 }
            }
            let committed = results.compactMapValues { $0 }
            #expect(committed.count == writers - writers / 10)
            let events = try await log.events(from: 1, limit: 10_000)
            #expect(events.map(\.position) == Array(1...LogPosition(committed.count * 2)))
            for (n, recorded) in committed {
                #expect(recorded.map(\.stream) == [stream("s-\(n)"), stream("s-\(n)")])
                #expect(recorded[1].position == recorded[0].position + 1)
                #expect(events[Int(recorded[0].position) - 1] == recorded[0])
            }
            let notices = heard.withLock { $0 }
            #expect(notices == notices.sorted(), "notices go forward")
            #expect(notices.last == LogPosition(events.count))
        }
    }

    @Test(arguments: Backend.allCases) func subscribersHearOfCommitsUntilTheyCancel(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            let (heads, continuation) = AsyncStream.makeStream(of: LogPosition.self)
            let subscription = log.subscribe { continuation.yield($0.head) }
            try await log.write { try $0.append(to: stream("s"), expectedVersion: 0, [event(1), event(2)]) }
            var iterator = heads.makeAsyncIterator()
            #expect(await iterator.next() == 2)
            subscription.cancel()
            try await log.write { try $0.append(to: stream("s"), expectedVersion: 2, [event(3)]) }
            // The positive control: a subscriber still listening hears the next commit; the cancelled
            // one heard nothing of it by then (notices go out before the write is acknowledged).
            continuation.finish()
            #expect(await iterator.next() == nil)
            #expect(try await log.head() == 3)
        }
    }

    @Test(arguments: Backend.allCases) func noticesNameTheTypesAppended(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            let heard = Mutex<[CommitNotice]>([])
            let subscription = log.subscribe { notice in heard.withLock { $0.append(notice) } }
            defer { subscription.cancel() }
            try await log.write { try $0.append(to: stream("s"), expectedVersion: 0, [NewEvent(type: "A", payload: []), NewEvent(type: "B", payload: [])]) }
            try await log.write { try $0.append(to: stream("s"), expectedVersion: 2, [NewEvent(type: "C", payload: [])]) }
            let notices = heard.withLock { $0 }
            #expect(notices.map(\.head) == [2, 3])
            // Both backends name the types; a notice without them (nil) would only cost a read.
            #expect(notices[0].eventTypes?.isSuperset(of: ["A", "B"]) == true)
            #expect(notices[1].eventTypes?.contains("C") == true)
        }
    }

    /// A follower reads from its own position: it sees every event after it, in order, whatever the
    /// notices merged; one of some types skips the rest, and still moves past them.
    @Test(arguments: Backend.allCases) func aFollowerSeesEveryEventOnceInOrder(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            try await log.write { try $0.append(to: stream("before"), expectedVersion: 0, [NewEvent(type: "A", payload: [])]) }
            var all = LogFollower(log, after: 0)
            var onlyA = try await LogFollower.fromHead(log, types: ["A"])
            #expect(onlyA.position == 1)
            for n in 0..<50 {
                try await log.write { try $0.append(to: stream("s-\(n)"), expectedVersion: 0, [NewEvent(type: n % 10 == 9 ? "A" : "B", payload: [])]) }
            }
            var seen: [LogPosition] = []
            while seen.count < 51, let page = try await all.next(limit: 7) { seen += page.events.map(\.position) }
            #expect(seen == Array(1...51))
            var seenA: [LogPosition] = []
            while onlyA.position < 51, let page = try await onlyA.next(limit: 2) { seenA += page.events.map(\.position) }
            #expect(seenA == [11, 21, 31, 41, 51])
            // Commits of other types only: the follower moves past them.
            try await log.write { try $0.append(to: stream("b"), expectedVersion: 0, [NewEvent(type: "B", payload: [])]) }
            #expect(await onlyA.waitForCommit())
            let page = try #require(try await onlyA.read(limit: 10))
            #expect(page.events.isEmpty && page.position == 52)
            #expect(try await onlyA.read(limit: 10) == nil)
            // And one of its type is read.
            try await log.write { try $0.append(to: stream("a"), expectedVersion: 0, [NewEvent(type: "A", payload: [])]) }
            let next = try #require(try await onlyA.next(limit: 10))
            #expect(next.events.map(\.position) == [53])
        }
    }

    @Test(arguments: Backend.allCases) func aPassedDeadlineOrAClosedLogWritesNothing(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            await #expect(throws: StoreError.deadlineExceeded) {
                try await log.write(deadline: .now - .seconds(1)) { try $0.append(to: stream("s"), expectedVersion: 0, [event(1)]) }
            }
            let head = try await log.head()
            #expect(head == 0, "nothing was written")
            await log.close()
            await #expect(throws: StoreError.closed) {
                try await log.write { try $0.append(to: stream("s"), expectedVersion: 0, [event(1)]) }
            }
        }
    }

    @Test(arguments: Backend.allCases) func checkpointsStandAtTheHead(_ backend: Backend) async throws {
        try await backend.withLog { log, _ in
            var history = History(seed: 7)
            try await history.run(50, on: log)
            let head = try await log.head()
            #expect(head > 10)
            #expect(try await log.checkpoints().map(\.name) == ["integrations", "deliveries"])
            #expect(try await log.checkpoints().map(\.position) == [head, head])
            // What is known without a read is what a read finds.
            #expect(log.knownHead == head)
            #expect(try await log.checkpoints() == log.knownCheckpoints)
        }
    }

    /// The same history gives the same views on every backend: the fixed seed's figures are the
    /// same whichever backend runs it.
    @Test(arguments: Backend.allCases) func viewsFollowTheHistory(_ backend: Backend) async throws {
        let tick = Tick()
        try await backend.withLog(clock: { tick.next() }) { log, _ in
            var history = History(seed: 2026)
            try await history.run(1_500, on: log)
            let views = try await ViewSnapshot(log)
            #expect(views.inMemory == views.integrations, "the in-memory integrations match the view")
            #expect(try await Self.fold(log) == views.integrations, "an independent fold of the log gives the same integrations")
            // The history covers what the views hold.
            #expect(views.integrations.count > 50)
            #expect(views.deliveries.count > 300)
            #expect(Set(views.deliveries.map(\.status)) == Set(DeliveryStatus.allCases))
            #expect(views.integrations.contains { $0.health.consecutiveFailures > 1 })
            #expect(views.integrations.contains { $0.status == .reset })
            #expect(
                views.deliveries.filter(\.status.isOpen).map(\.id).sorted { $0.rawValue < $1.rawValue }
                    == views.open.sorted { $0.rawValue < $1.rawValue })
            try await Self.recordOrCompare(views, backend: backend)
        }
    }

    @Test(arguments: Backend.allCases) func aRebuildGivesTheSameViews(_ backend: Backend) async throws {
        let tick = Tick()
        try await backend.withLog(clock: { tick.next() }) { log, _ in
            var history = History(seed: 99)
            try await history.run(800, on: log)
            let live = try await ViewSnapshot(log)
            let head = try await log.head()
            let seen = Mutex<[UInt64]>([])
            let processed = try await log.rebuildViews(every: 100) { done, total in
                #expect(total == head)
                seen.withLock { $0.append(done) }
            }
            #expect(processed == head)
            #expect(seen.withLock { $0.first == 0 && $0.last == head && $0 == $0.sorted() })
            #expect(try await ViewSnapshot(log) == live)
            #expect(try await log.checkpoints().map(\.position) == [head, head])
        }
    }

    @Test(arguments: Backend.allCases.filter(\.isDurable)) func whatWasAcknowledgedSurvivesAReopen(_ backend: Backend) async throws {
        let tick = Tick()
        try await backend.withLog(clock: { tick.next() }) { log, reopen in
            var history = History(seed: 5)
            try await history.run(300, on: log)
            let before = try await ViewSnapshot(log)
            let head = try await log.head()
            let reopened = try await reopen()
            #expect(try await reopened.head() == head)
            #expect(try await ViewSnapshot(reopened) == before, "views, and the integrations in memory, come back")
            try await reopened.write { try $0.append(to: stream("s"), expectedVersion: 0, [event(1)]) }
            #expect(try await reopened.head() == head + 1)
        }
    }

    // MARK: Helpers

    /// Integrations folded straight from the log, without any view.
    static func fold(_ log: any EventLog) async throws -> [Integration] {
        var folded: [IntegrationID: Integration] = [:]
        for event in try await log.events(from: 1, limit: .max) {
            guard let id = event.stream.integrationID,
                let change = try StoredEvent.decodeIntegration(type: event.type, payload: event.payload)
            else { continue }
            folded[id] = Integration.evolve(folded[id], change, recordedAt: event.recordedAt)
        }
        let ids = Array(folded.keys)
        let fromAttempts = try await log.read { views in try ids.map { ($0, try views.integration($0)?.health) } }
        for (id, health) in fromAttempts { folded[id]?.health = health ?? .init() }
        return folded.values.sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// The first backend to run the seeded history records its views; the others must match them.
    static func recordOrCompare(_ views: ViewSnapshot, backend: Backend) async throws {
        let other = await SharedSnapshot.shared.put(views, from: backend)
        if let other {
            #expect(views == other.snapshot, "\(backend) and \(other.backend) disagree: \(views) against \(other.snapshot)")
        }
    }
}

/// The seeded history's views as the first backend to finish saw them.
actor SharedSnapshot {
    static let shared = SharedSnapshot()
    private var first: (snapshot: ViewSnapshot, backend: Backend)?

    func put(_ snapshot: ViewSnapshot, from backend: Backend) -> (snapshot: ViewSnapshot, backend: Backend)? {
        guard let first else {
            first = (snapshot, backend)
            return nil
        }
        return first
    }
}

/// A clock that moves a millisecond on each reading, so that times differ between events.
final class Tick: Sendable {
    private let now = Mutex<Int64>(1_700_000_000_000)
    func next() -> Int64 {
        now.withLock {
            $0 += 1
            return $0
        }
    }
}
