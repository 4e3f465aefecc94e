import Foundation
import HeraldCore
import HeraldSQLite
import HeraldStore
import Testing

/// Every implementation of the storage contract; the contract suite runs against each.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, memory

    var testDescription: String { rawValue }

    /// Whether what it acknowledged is still there after a reopen.
    var isDurable: Bool { self != .memory }

    /// A fresh, empty log for one test; `body` may `reopen` it (durable backends only).
    func withLog<T>(clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds,
                    _ body: (_ log: any EventLog, _ reopen: () throws -> any EventLog) async throws -> T) async throws -> T {
        try await withTemporaryDirectory { directory in
            let open: () throws -> any EventLog = {
                switch self {
                case .sqlite: try SQLiteEventLog(path: "\(directory)/herald.db", synchronous: .normal, clock: clock)
                case .memory: MemoryEventLog(clock: clock)
                }
            }
            var opened: [any EventLog] = []
            defer { opened.forEach { $0.close() } }
            let first = try open()
            opened.append(first)
            return try await body(first) {
                opened.forEach { $0.close() }
                let again = try open()
                opened.append(again)
                return again
            }
        }
    }
}
