import Foundation
import HeraldCore
import HeraldWire
import Testing
@testable import HeraldStore

@Suite struct EventStoreTests {
    func event(_ n: Int) -> NewEvent { NewEvent(type: "Test", payload: Array("event \(n)".utf8)) }

    @Test func appendsAndReadsByPosition() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore(path: "\(dir)/h.db", projections: [])
            defer { store.close() }
            let recorded = try await store.write { try $0.append(stream: "s-1", expectedVersion: 0, [event(1), event(2)]) }
            #expect(recorded.map(\.position) == [1, 2])
            #expect(recorded.map(\.version) == [1, 2])
            try await store.write { try $0.append(stream: "s-2", expectedVersion: 0, [event(3)]) }
            #expect(try store.head() == 3)
            let read = try store.events(from: 2, limit: 10)
            #expect(read.map(\.stream) == ["s-1", "s-2"])
            #expect(read.first?.payload == Array("event 2".utf8))
        }
    }

    @Test func versionConflictFailsOnlyThatWrite() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore(path: "\(dir)/h.db", projections: [])
            defer { store.close() }
            try await store.write { try $0.append(stream: "s", expectedVersion: 0, [event(1)]) }
            await #expect(throws: StoreError.versionConflict(stream: "s", expected: 0, actual: 1)) {
                try await store.write { try $0.append(stream: "s", expectedVersion: 0, [event(2)]) }
            }
            try await store.write { try $0.append(stream: "s", expectedVersion: 1, [event(2)]) }
            #expect(try store.events(from: 1, limit: 10).map(\.version) == [1, 2])
        }
    }

    @Test func theLogIsAppendOnly() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore(path: "\(dir)/h.db", projections: [])
            defer { store.close() }
            try await store.write { try $0.append(stream: "s", expectedVersion: 0, [event(1)]) }
            await #expect(throws: SQLiteError.self) {
                try await store.write { try $0.db.execute("DELETE FROM events") }
            }
            #expect(try store.head() == 1)
        }
    }

    @Test func groupCommitBatchesConcurrentWriters() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore(path: "\(dir)/h.db", projections: [])
            defer { store.close() }
            let writers = 200
            // One write fails its version check in the middle of the burst; the rest must commit.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<writers {
                    group.addTask {
                        if n == 100 {
                            await #expect(throws: StoreError.self) {
                                _ = try await store.write { try $0.append(stream: "s-0", expectedVersion: 7, [event(n)]) }
                            }
                        } else {
                            _ = try await store.write { try $0.append(stream: "s-\(n)", expectedVersion: 0, [event(n)]) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stats = store.commitStatistics
            #expect(stats.writes == writers)
            #expect(stats.transactions < writers, "concurrent writes should share transactions: \(stats)")
            let events = try store.events(from: 1, limit: 1000)
            #expect(events.count == writers - 1)
            #expect(events.map(\.position) == Array(1...LogPosition(writers - 1)), "positions have no gaps")
        }
    }

    @Test func survivesReopen() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/h.db"
            do {
                let store = try EventStore(path: path, projections: [])
                try await store.write { try $0.append(stream: "s", expectedVersion: 0, [event(1), event(2)]) }
                store.close()
            }
            let store = try EventStore(path: path, projections: [])
            defer { store.close() }
            #expect(try store.head() == 2)
            try await store.write { try $0.append(stream: "s", expectedVersion: 2, [event(3)]) }
            #expect(try store.events(from: 1, limit: 10).map(\.position) == [1, 2, 3])
        }
    }

    @Test func databaseFilesArePrivateAndLocked() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/sub/h.db"
            let store = try EventStore(path: path, projections: [])
            defer { store.close() }
            try await store.write { try $0.append(stream: "s", expectedVersion: 0, [event(1)]) }
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let directoryMode = try FileManager.default.attributesOfItem(atPath: "\(dir)/sub")[.posixPermissions] as? Int
            #expect(directoryMode == 0o700)
            #expect(throws: StoreError.databaseInUse(path: path)) { try EventStore(path: path, projections: []) }
        }
    }

    @Test func subscribersHearOfCommits() async throws {
        try await withTemporaryDirectory { dir in
            let store = try EventStore(path: "\(dir)/h.db", projections: [])
            defer { store.close() }
            let (heads, continuation) = AsyncStream.makeStream(of: LogPosition.self)
            let subscription = store.subscribe { continuation.yield($0) }
            try await store.write { try $0.append(stream: "s", expectedVersion: 0, [event(1), event(2)]) }
            var iterator = heads.makeAsyncIterator()
            #expect(await iterator.next() == 2)
            subscription.cancel()
        }
    }

    @Test func refusesANewerSchema() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/h.db"
            do {
                let db = try SQLiteConnection(path: path)
                try db.execute("PRAGMA user_version = 99")
            }
            #expect(throws: StoreError.schemaTooNew(found: 99, supported: Schema.migrations.count)) { try EventStore(path: path) }
        }
    }
}

@Suite struct IntegrationsCacheTests {
    @Test func loadsTheViewWhenTheStoreOpens() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/h.db"
            let connected = IntegrationEvent.connected(.init(
                id: IntegrationID("int_1"), projectID: "P", platform: .custom, name: "n", url: "https://x.test/hook/secret", events: [.testCaseCreated]))
            let stored = StoredEvent.encode(connected)
            do {
                let store = try EventStore(path: path)
                try await store.write { try $0.append(stream: "integration-int_1", expectedVersion: 0, [NewEvent(type: stored.type, payload: stored.payload)]) }
                #expect(store.integrations?.integration(IntegrationID("int_1"))?.name == "n")
                store.close()
            }
            let reopened = try EventStore(path: path)
            defer { reopened.close() }
            let cached = try #require(reopened.integrations?.integration(IntegrationID("int_1")))
            #expect(cached.maskedURL == "https://x.test/hook/…")
            #expect(reopened.integrations?.list(projectID: "P").count == 1)
            #expect(reopened.integrations?.list(projectID: "Q").isEmpty == true)
        }
    }
}
