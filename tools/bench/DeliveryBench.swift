import Foundation
import HeraldClient
import HeraldCore
import HeraldSQLite
import HeraldStore
import HeraldWire
import Synchronization
import TestSupport

/// The delivery figures: deliveries per second against a plain load generator, publish throughput
/// with fan-out, and rebuilding every view from a million events against a raw scan.
struct DeliveryBench: Sendable {
    let heraldd: String
    let seconds: Double
    let progress: @Sendable (String) -> Void

    struct Figures {
        var lines: [String] = []
    }

    func run(in directory: String, publishing: Bool = true) async throws -> String {
        let certificates = try TestCertificates.make(in: directory)
        let receiver = try await HTTPSReceiver(certificates: certificates, recordsRequests: false)
        defer { Task { await receiver.shutdown() } }
        var out = ["| measurement | figure | baseline | ratio |", "|---|---:|---:|---:|"]
        out.append(try await deliveryRate(in: directory, certificates: certificates, receiver: receiver))
        if publishing { out += try await publishRates(in: directory, certificates: certificates, receiver: receiver) }
        return out.joined(separator: "\n")
    }

    /// Delivery throughput: 8 custom integrations (8 attempts in flight each, so up to 64 at once
    /// over at most 16 keep-alive connections), one event fanned out to all 8, many events; and wrk
    /// against the same receiver with the same body.
    private func deliveryRate(in directory: String, certificates: TestCertificates, receiver: HTTPSReceiver) async throws -> String {
        let daemon = try await startDaemon(directory, certificates: certificates)
        defer {
            if daemon.isRunning {
                kill(daemon.processIdentifier, SIGTERM)
                daemon.waitUntilExit()
            }
        }
        let client = try await HeraldClient.connect(socketPath: "\(directory)/herald.sock")
        progress("deliveries to a local HTTPS receiver")
        var integrations: [String] = []
        for n in 0..<8 {
            integrations.append(
                try await client.connectIntegration(
                    .init(
                        projectId: "bench-deliver", platform: "custom", name: "r\(n)", url: receiver.url("/hook/\(n)"),
                        events: ["test_case.created"])
                ).integration.id)
        }
        let events = max(4_000, Int(2_000 * seconds / 3))
        let started = ContinuousClock.now
        try await publishMany(client, project: "bench-deliver", count: events, callers: 16)
        // From here on the daemon only delivers, as wrk only posts: the figure the target is about.
        // The whole run, publishing included, is reported beside it.
        let published = ContinuousClock.now
        let deliveredBefore = receiver.requestCount
        let expected = events * integrations.count
        while receiver.requestCount < expected, ContinuousClock.now - started < .seconds(300) {
            try await Task.sleep(for: .milliseconds(2))
        }
        let finished = ContinuousClock.now
        let overallRate = Double(receiver.requestCount) / (finished - started).seconds
        let deliveryRate = Double(receiver.requestCount - deliveredBefore) / (finished - published).seconds
        let connections = receiver.connections
        let body = receiver.firstRequest?.text ?? "{}"
        await client.close()

        progress("wrk against the same receiver")
        let wrkRate = try wrk(url: receiver.url("/hook/0"), body: body, connections: 16, seconds: Int(max(2, seconds)))
        return [
            String(
                format:
                    "| deliveries/s to a local HTTPS receiver, once all %d events are published (%d deliveries, %d TCP connections) | %.0f | wrk, 16 connections: %.0f | %.2f× |",
                events, expected, connections, deliveryRate, wrkRate, deliveryRate / wrkRate),
            String(
                format: "| deliveries/s over the whole run, publishing them included | %.0f | wrk, 16 connections: %.0f | %.2f× |",
                overallRate, wrkRate, overallRate / wrkRate),
        ].joined(separator: "\n")
    }

    /// Publish throughput with fan-out to 1 and to 10 integrations, each on a fresh daemon so that
    /// no earlier backlog competes: to custom endpoints that this daemon delivers to unpaced as
    /// fast as it can meanwhile, and to Slack webhooks paced to about one message a second each,
    /// which measures the publish path itself.
    private func publishRates(in directory: String, certificates: TestCertificates, receiver: HTTPSReceiver) async throws -> [String] {
        var out: [String] = []
        for (platform, pacing) in [("custom", "off"), ("slack", "standard")] {
            for fanOut in [1, 10] {
                progress("publish with fan-out to \(fanOut), \(platform), pacing \(pacing)")
                let path = "\(directory)/publish-\(platform)-\(fanOut)"
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                let publisher = try await startDaemon(path, certificates: certificates, pacing: pacing)
                let client = try await HeraldClient.connect(socketPath: "\(path)/herald.sock")
                let rate = try await publishRate(client, receiver, platform: platform, fanOut: fanOut)
                await client.close()
                kill(publisher.processIdentifier, SIGTERM)
                publisher.waitUntilExit()
                let label = platform == "custom" ? "custom endpoints, delivered unpaced meanwhile" : "Slack webhooks, paced"
                out.append(
                    String(
                        format: "| publish events/s, fan-out to %d (%@), 64 callers, durable | %.0f | – | – |",
                        fanOut, label, rate))
            }
        }
        return out
    }

    /// Rebuilding every view from a million events, against a raw scan of the same table.
    func replay(in directory: String, events: Int) async throws -> String {
        let path = "\(directory)/replay.db"
        progress("writing \(events) events for the replay measurement")
        let store = try SQLiteEventLog(path: path, synchronous: .normal)
        try await fill(store, events: events)
        await store.close()

        progress("rebuilding every view")
        let rebuilt = try SQLiteEventLog(path: path, synchronous: .normal)
        let rebuildStart = ContinuousClock.now
        let processed = try await rebuilt.rebuildViews { _, _ in }
        let rebuild = ContinuousClock.now - rebuildStart
        await rebuilt.close()

        progress("raw scan")
        let scan = try SQLiteBaselines.scanEvents(path: path)
        return String(
            format: "| rebuild of all views from %d events | %.2f s | raw scan: %.2f s | %.1f× |",
            processed, rebuild.seconds, scan.seconds, rebuild.seconds / scan.seconds)
    }

    /// A history shaped like real use: integrations, publications, and deliveries with attempts.
    private func fill(_ store: SQLiteEventLog, events target: Int) async throws {
        var written = 0
        var batchStart = 0
        let integrations = (0..<10).map { IntegrationID("int_bench\($0)") }
        try await store.write { transaction in
            for (n, id) in integrations.enumerated() {
                let connected = StoredEvent.encode(
                    IntegrationEvent.connected(
                        .init(
                            id: id, projectID: "P", platform: .custom, name: "i\(n)", url: "https://x.test/\(n)", events: [.testCaseCreated])))
                try transaction.append(to: id.stream, expectedVersion: 0, [NewEvent(connected)])
            }
        }
        written += integrations.count
        while written < target {
            let first = batchStart
            batchStart += 500
            written += try await store.write { transaction in
                var count = 0
                for publication in first..<first + 500 {
                    let eventID = "evt-\(publication)"
                    let delivery = DeliveryID("dlv_\(publication)")
                    let event = PublishedEvent(
                        eventID: eventID, projectID: "P", projectName: "P", type: .testCaseCreated,
                        timestamp: "2026-01-01T00:00:00Z", dataJSON: #"{"id":"\#(publication)","title":"t"}"#)
                    let published = StoredEvent.encode(
                        Publication(
                            event: event,
                            targets: [
                                .init(deliveryID: delivery, integrationID: integrations[publication % 10])
                            ]))
                    try transaction.append(
                        to: Publication.stream(eventID), expectedVersion: 0,
                        [NewEvent(published)])
                    let changes: [DeliveryEvent] = [
                        .attempted(
                            .init(
                                number: 1, startedAt: 1, durationMilliseconds: 5, httpStatus: 500, error: "HTTP 500",
                                responseSnippet: "down", location: "", outcome: .failed, nextAttemptAt: 60_000)),
                        .attempted(
                            .init(
                                number: 2, startedAt: 60_001, durationMilliseconds: 5, httpStatus: 200, error: "",
                                responseSnippet: "ok", location: "", outcome: .delivered, nextAttemptAt: 0)),
                    ]
                    try transaction.append(
                        to: delivery.stream, expectedVersion: 0,
                        changes.map { NewEvent(StoredEvent.encode($0)) })
                    count += 1 + changes.count
                }
                return count
            }
        }
    }

    private func publishRate(_ client: HeraldClient, _ receiver: HTTPSReceiver, platform: String, fanOut: Int) async throws -> Double {
        let project = "bench-\(platform)-fanout-\(fanOut)"
        for n in 0..<fanOut {
            _ = try await client.connectIntegration(
                .init(
                    projectId: project, platform: platform, name: "f\(n)", url: receiver.url("/fan/\(platform)/\(fanOut)/\(n)"),
                    events: ["test_case.created"]))
        }
        return try await publishFor(client, project: project, callers: 64)
    }

    private func startDaemon(_ directory: String, certificates: TestCertificates, pacing: String = "off") async throws -> Process {
        try await startHeraldd(
            heraldd, directory: directory,
            arguments: ["--allow-host", "localhost", "--ca-file", certificates.caPath, "--pacing", pacing])
    }

    private func publishMany(_ client: HeraldClient, project: String, count: Int, callers: Int) async throws {
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<callers {
                group.addTask {
                    while true {
                        let n = next.increment()
                        guard n <= count else { return }
                        _ = try await client.publish(
                            .init(
                                projectId: project, eventType: "test_case.created",
                                dataJson: #"{"id":"TC-\#(n)","title":"Benchmark case \#(n)","createdBy":"bench"}"#))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func publishFor(_ client: HeraldClient, project: String, callers: Int) async throws -> Double {
        let count = Counter()
        let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var n = 0
                    while ContinuousClock.now < end {
                        n += 1
                        _ = try await client.publish(
                            .init(
                                projectId: project, eventType: "test_case.created",
                                dataJson: #"{"id":"TC-\#(caller)-\#(n)","title":"Benchmark case","createdBy":"bench"}"#))
                        _ = count.increment()
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(count.value) / (ContinuousClock.now - start).seconds
    }

    /// wrk posting the same body to the same receiver; requests per second.
    private func wrk(url: String, body: String, connections: Int, seconds: Int) throws -> Double {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("herald-wrk-\(getpid()).lua")
        let escaped = body.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        try """
        wrk.method = "POST"
        wrk.body = "\(escaped)"
        wrk.headers["Content-Type"] = "application/json"
        """.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk", "-t2", "-c\(connections)", "-d\(seconds)s", "-s", script.path, url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
            let rate = Double(line.split(separator: " ").last ?? "")
        else { throw BenchError("could not read wrk's output: \(text)") }
        return rate
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

final class Counter: Sendable {
    private let atomic = Atomic<Int>(0)
    func increment() -> Int { atomic.add(1, ordering: .relaxed).newValue }
    var value: Int { atomic.load(ordering: .relaxed) }
}
