import Foundation
import HeraldCore
import HeraldSQLite
import HeraldStore

/// A fresh SQLite log in a temporary directory, removed at the end, with `integrations` custom
/// integrations of project "P" connected to it.
public func withStore<T>(integrations: Int, _ body: (SQLiteEventLog, [IntegrationID]) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in try await withStore(at: "\(directory)/herald.db", integrations: integrations, body) }
}

/// `withStore(integrations:)` on the log at `path`, which may already hold a log.
public func withStore<T>(
    at path: String, integrations: Int = 0, _ body: (SQLiteEventLog, [IntegrationID]) async throws -> T
) async throws -> T {
    let store = try SQLiteEventLog(path: path)
    let ids = (0..<integrations).map { IntegrationID("int_\($0)") }
    do {
        try await store.write { unit in
            for (n, id) in ids.enumerated() {
                try unit.append(
                    [.connected(.init(id: id, projectID: "P", platform: .custom, name: "i\(n)", url: "https://x.test/\(n)", events: [.testCaseCreated]))],
                    to: id, expectedVersion: 0)
            }
        }
        let result = try await body(store, ids)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}
