import Foundation
import HeraldCore
import HeraldSQLite
import HeraldStore
import HeraldWire

/// A fresh log in a temporary directory, removed at the end, with `integrations` custom
/// integrations of project "P" connected to it.
func withStore<T>(integrations: Int, _ body: (SQLiteEventLog, [IntegrationID]) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-delivery-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try SQLiteEventLog(path: "\(directory)/herald.db")
    let ids = (0..<integrations).map { IntegrationID("int_\($0)") }
    try await store.write { transaction in
        for (n, id) in ids.enumerated() {
            let connected = StoredEvent.encode(
                IntegrationEvent.connected(
                    .init(
                        id: id, projectID: "P", platform: .custom, name: "i\(n)", url: "https://x.test/\(n)", events: [.testCaseCreated])))
            try transaction.append(to: id.stream, expectedVersion: 0, [NewEvent(type: connected.type, payload: connected.payload)])
        }
    }
    do {
        let result = try await body(store, ids)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}
