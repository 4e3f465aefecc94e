import Foundation
import HeraldCore
import HeraldSQLite
import HeraldStore
import TestSupport
import Testing

/// Every implementation of the storage contract; the contract suite runs against each.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, memory

    var testDescription: String { rawValue }

    /// Whether what it acknowledged is still there after a reopen.
    var isDurable: Bool { self != .memory }

    /// A fresh, empty log for one test; `body` may `reopen` it (durable backends only).
    func withLog<T>(
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds,
        _ body: (_ log: any EventLog, _ reopen: () async throws -> any EventLog) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { directory in
            let open: () throws -> any EventLog = {
                switch self {
                case .sqlite: try SQLiteEventLog(path: "\(directory)/herald.db", synchronous: .normal, clock: clock)
                case .memory: MemoryEventLog(clock: clock)
                }
            }
            let first = try open()
            var current = first
            do {
                let result = try await body(first) {
                    await current.close()
                    current = try open()
                    return current
                }
                await current.close()
                return result
            } catch {
                await current.close()
                throw error
            }
        }
    }
}
