import Foundation
import HeraldCore
import HeraldStore
import HeraldWire
import TestSupport
import Testing

@testable import HeraldSQLite

/// What only the SQLite log does: its files, its lock, its schema, its group commit. What every log
/// does is in the contract suite.
@Suite struct SQLiteEventLogTests {
    func event(_ n: Int) -> NewEvent { NewEvent(type: "Test", payload: Array("event \(n)".utf8)) }

    @Test func theLogIsAppendOnly() async throws {
        try await withTemporaryDirectory { dir in
            try await withLog(at: "\(dir)/h.db") { store in
                try await store.write { try $0.append(to: StreamName("s"), expectedVersion: 0, [event(1)]) }
                await #expect(throws: SQLiteError.self) {
                    try await store.write { try ($0 as! SQLiteUnitOfWork).db.execute("DELETE FROM events") }
                }
                await #expect(throws: SQLiteError.self) {
                    try await store.write { try ($0 as! SQLiteUnitOfWork).db.execute("UPDATE events SET type = 'x'") }
                }
                #expect(try await store.head() == 1)
            }
        }
    }

    @Test func groupCommitBatchesConcurrentWriters() async throws {
        try await withTemporaryDirectory { dir in
            try await withLog(at: "\(dir)/h.db") { store in
                let writers = 200
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 0..<writers {
                        group.addTask { _ = try await store.write { try $0.append(to: StreamName("s-\(n)"), expectedVersion: 0, [event(n)]) } }
                    }
                    try await group.waitForAll()
                }
                let stats = store.commitStatistics
                #expect(stats.writes == writers)
                #expect(stats.transactions < writers, "concurrent writes should share transactions: \(stats)")
            }
        }
    }

    @Test func databaseFilesArePrivateAndLocked() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/sub/h.db"
            try await withLog(at: path) { store in
                try await store.write { try $0.append(to: StreamName("s"), expectedVersion: 0, [event(1)]) }
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                let directoryMode = try FileManager.default.attributesOfItem(atPath: "\(dir)/sub")[.posixPermissions] as? Int
                #expect(directoryMode == 0o700)
                #expect(throws: StoreError.inUse(path: path)) { try SQLiteEventLog(path: path) }
            }
        }
    }

    @Test func refusesANewerSchema() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/h.db"
            do {
                let db = try SQLiteConnection(path: path)
                try db.execute("PRAGMA user_version = 99")
            }
            #expect(throws: StoreError.schemaTooNew(found: 99, supported: Schema.migrations.count)) { try SQLiteEventLog(path: path) }
        }
    }

    @Test func aCleanCloseLeavesNothingInTheWAL() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/h.db"
            let store = try SQLiteEventLog(path: path)
            try await store.write { try $0.append(to: StreamName("s"), expectedVersion: 0, [event(1), event(2)]) }
            let walBefore = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            #expect(walBefore > 0, "the commit went to the WAL first")
            await store.close()
            let walAfter = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            #expect(walAfter == 0)
        }
    }

    /// A rebuild drops the views' indexes for the replay and makes them again.
    @Test func aRebuildKeepsTheViewsIndexes() async throws {
        try await withTemporaryDirectory { dir in
            try await withLog(at: "\(dir)/h.db") { store in
                let connected = StoredEvent.encode(
                    IntegrationEvent.connected(
                        .init(
                            id: IntegrationID("int_1"), projectID: "P", platform: .custom, name: "n", url: "https://x.test/h", events: [.testCaseCreated])))
                try await store.write {
                    try $0.append(to: IntegrationID("int_1").stream, expectedVersion: 0, [NewEvent(connected)])
                }
                let indexes = {
                    try await store.withReader { try $0.rows("SELECT sql FROM sqlite_master WHERE type = 'index' ORDER BY name") { $0.string(0) } }
                }
                let before = try await indexes()
                #expect(before.count >= 3)
                #expect(try await store.rebuildViews(every: 1) { _, _ in } == 1)
                #expect(try await indexes() == before)
            }
        }
    }
}

/// Opens the log at `path` for `body`, and closes it after.
func withLog<T>(at path: String, _ body: (SQLiteEventLog) async throws -> T) async throws -> T {
    let store = try SQLiteEventLog(path: path)
    do {
        let result = try await body(store)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}
