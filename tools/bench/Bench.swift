import ArgumentParser
import Foundation
import HeraldClient
import HeraldSQLite
import HeraldWire
import Synchronization

/// Measures heraldd over its socket against raw SQLite appends, in one run, and prints a Markdown table.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald-bench",
        abstract: "Benchmark heraldd writes and reads over the socket against raw SQLite appends.")

    @Option(help: "Seconds per measurement.")
    var seconds: Double = 3

    @Option(help: "Concurrent callers, comma-separated.")
    var callers: String = "1,8,64"

    @Option(help: "Also write the Markdown table to this file.")
    var output: String?

    @Option(help: "The heraldd binary (default: next to this one).")
    var heraldd: String?

    @Option(help: "Measure an already running heraldd on this socket instead of starting one (for profiling).")
    var socket: String?

    @Option(help: "What to measure: rpc, deliveries, replay or all; or send, the delivery rate alone.")
    var suite: String = "all"

    @Option(help: "Events in the replay measurement.")
    var replayEvents: Int = 1_000_000

    func run() async throws {
        let levels = callers.split(separator: ",").compactMap { Int($0) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(getpid())").path
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let duration = Duration.milliseconds(Int(seconds * 1000))

        var sections: [String] = []
        let heraldd = self.heraldd ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("heraldd").path
        let deliveries = DeliveryBench(heraldd: heraldd, seconds: seconds, progress: progress)
        if suite == "all" || suite == "rpc" { sections.append(try await rpc(levels: levels, directory: directory, duration: duration)) }
        if suite == "all" || suite == "deliveries" || suite == "send" {
            let path = "\(directory)/deliveries"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            sections.append(try await deliveries.run(in: path, publishing: suite != "send"))
        }
        if suite == "all" || suite == "replay" { sections.append(try await deliveries.replay(in: directory, events: replayEvents)) }
        let table = sections.joined(separator: "\n\n")
        print(table)
        if let output { try table.write(toFile: output, atomically: true, encoding: .utf8) }
    }

    func rpc(levels: [Int], directory: String, duration: Duration) async throws -> String {
        var rows: [Row] = []
        let daemon = self.socket == nil ? try await startDaemon(directory) : nil
        defer {
            daemon.map {
                kill($0.processIdentifier, SIGTERM)
                $0.waitUntilExit()
            }
        }
        let socket = self.socket ?? "\(directory)/herald.sock"

        for level in levels {
            let clients = try await connect(socket, count: level)
            progress("connect × \(level)")
            let counter = Atomic<Int>(0)
            rows.append(
                Row(
                    operation: "write: connect", callers: level,
                    result: try await measure(clients, duration) { client, _ in
                        let n = counter.add(1, ordering: .relaxed).newValue
                        _ = try await client.connectIntegration(
                            .init(
                                projectId: "bench-\(n % 16)", platform: "slack", name: "bench \(n)",
                                url: "https://hooks.slack.com/services/T/B/\(n)", events: ["test_case.created"]))
                    }))

            progress("edit × \(level)")
            let owned = try await ownIntegrations(clients, level: level)
            rows.append(
                Row(
                    operation: "write: edit", callers: level,
                    result: try await measure(clients, duration) { client, index in
                        let n = counter.add(1, ordering: .relaxed).newValue
                        _ = try await client.editIntegration(.init(integrationId: owned[index], name: "edit \(n)"))
                    }))

            progress("show × \(level)")
            rows.append(
                Row(
                    operation: "read: show", callers: level,
                    result: try await measure(clients, duration) { client, index in
                        _ = try await client.getIntegration(owned[index])
                    }))
            for client in clients { await client.close() }
        }

        for level in levels {
            progress("raw SQLite, batches of \(level)")
            rows.append(
                Row(
                    operation: "raw SQLite append", callers: level,
                    result: try rawAppends(path: "\(directory)/raw.db", batch: level, duration: duration)))
        }

        return render(rows, levels: levels)
    }

    @Sendable func progress(_ text: String) {
        FileHandle.standardError.write(Data("measuring \(text)…\n".utf8))
    }

    func startDaemon(_ directory: String) async throws -> Process {
        let binary = heraldd ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("heraldd").path
        return try await startHeraldd(binary, directory: directory, arguments: ["--allow-host", "hooks.slack.com"])
    }

    func connect(_ socket: String, count: Int) async throws -> [HeraldClient] {
        var clients: [HeraldClient] = []
        for _ in 0..<count { clients.append(try await HeraldClient.connect(socketPath: socket)) }
        return clients
    }

    func ownIntegrations(_ clients: [HeraldClient], level: Int) async throws -> [String] {
        var ids: [String] = []
        for (index, client) in clients.enumerated() {
            ids.append(
                try await client.connectIntegration(
                    .init(
                        projectId: "bench-owned", platform: "slack", name: "owned \(index)",
                        url: "https://hooks.slack.com/services/T/OWN\(level)/\(index)", events: ["test_case.created"])
                ).integration.id)
        }
        return ids
    }

    /// Each caller loops on `call` until the time is up; latencies of every call are kept.
    func measure(
        _ clients: [HeraldClient], _ duration: Duration,
        _ call: @escaping @Sendable (HeraldClient, Int) async throws -> Void
    ) async throws -> Result {
        let start = ContinuousClock.now
        let end = start + duration
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    var samples: [Duration] = []
                    samples.reserveCapacity(100_000)
                    while ContinuousClock.now < end {
                        let began = ContinuousClock.now
                        try await call(client, index)
                        samples.append(ContinuousClock.now - began)
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Duration]()) { $0 += $1 }
        }
        return Result(calls: latencies.count, elapsed: ContinuousClock.now - start, latencies: latencies)
    }

    /// Appends rows of the same shape as the event log's, `batch` per transaction, with the same pragmas.
    func rawAppends(path: String, batch: Int, duration: Duration) throws -> Result {
        let start = ContinuousClock.now
        let latencies = try SQLiteBaselines.appendRows(path: path, batch: batch, duration: duration)
        return Result(calls: latencies.count, elapsed: ContinuousClock.now - start, latencies: latencies)
    }

    struct Result {
        let calls: Int
        let elapsed: Duration
        let latencies: [Duration]

        var perSecond: Double { Double(calls) / (Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds)) }

        func percentile(_ p: Double) -> Double {
            let sorted = latencies.sorted()
            guard !sorted.isEmpty else { return 0 }
            let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            return Double(value.components.seconds) * 1e3 + Double(value.components.attoseconds) / 1e15
        }
    }

    struct Row {
        let operation: String
        let callers: Int
        let result: Result
    }

    func render(_ rows: [Row], levels: [Int]) -> String {
        var lines = [
            "| operation | callers | calls/s | p50 ms | p99 ms | vs raw SQLite append |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            let raw = rows.first { $0.operation == "raw SQLite append" && $0.callers == row.callers }
            let isWrite = row.operation.hasPrefix("write")
            let rawRate = raw?.result.perSecond ?? 0
            let comparison = isWrite && rawRate > 0 ? String(format: "%.2f×", row.result.perSecond / rawRate) : "–"
            lines.append(
                String(
                    format: "| %@ | %d | %.0f | %.3f | %.3f | %@ |", row.operation, row.callers,
                    row.result.perSecond, row.result.percentile(0.5), row.result.percentile(0.99), comparison))
        }
        lines.append("")
        lines.append(
            "Raw SQLite rows append `callers` rows per transaction (WAL, synchronous=FULL), the batch size group commit reaches at that many callers at most; their latency is the commit's."
        )
        return lines.joined(separator: "\n")
    }
}
