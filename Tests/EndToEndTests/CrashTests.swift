import Foundation
import HeraldClient
import HeraldWire
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(3))) struct CrashTests {
    /// What the daemon acknowledged: integration id → the highest version a reply reported.
    /// Behind an NSLock (a pthread mutex), not a `Mutex`: ThreadSanitizer sees the first, and not
    /// the futex lock of the second on Linux, so it reported the accesses under it as races.
    final class Acknowledged: @unchecked Sendable {
        private let lock = NSLock()
        private var versions: [String: UInt64] = [:]
        func record(_ id: String, _ version: UInt64) { lock.withLock { versions[id] = max(versions[id] ?? 0, version) } }
        var count: Int { lock.withLock { versions.values.reduce(0) { $0 + Int($1) } } }
        var snapshot: [String: UInt64] { lock.withLock { versions } }
    }

    @Test func everyAcknowledgedCommandSurvivesSIGKILL() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory)
        try await daemon.start()

        let acknowledged = Acknowledged()
        let socket = daemon.socket
        let workers = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<32 {
                    group.addTask {
                        guard let client = try? await HeraldClient.connect(socketPath: socket) else { return }
                        // Each worker owns one integration: connect it, then keep renaming it.
                        guard
                            let connected = try? await client.connectIntegration(
                                .init(
                                    projectId: "PRJ-\(worker % 4)", platform: "slack", name: "w\(worker)",
                                    url: "https://hooks.slack.com/services/T/B/\(worker)", events: ["test_case.created"]))
                        else { return }
                        let id = connected.integration.id
                        acknowledged.record(id, connected.integration.version)
                        for round in 1... {
                            guard let edited = try? await client.editIntegration(.init(integrationId: id, name: "w\(worker) r\(round)"))
                            else { return }
                            acknowledged.record(id, edited.integration.version)
                        }
                    }
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while acknowledged.count < 1_500, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(acknowledged.count >= 1_500, "the writers got \(acknowledged.count) commands acknowledged in a minute")
        daemon.stop(SIGKILL)
        await workers.value
        let acked = acknowledged.snapshot
        #expect(acked.count == 32)

        try await daemon.start()
        let client = try await HeraldClient.connect(socketPath: daemon.socket)
        let view = Dictionary(uniqueKeysWithValues: try await client.listIntegrations().integrations.map { ($0.id, $0) })
        var logged: [String: UInt64] = [:]
        for try await event in client.readEvents(.init(fromPosition: 1)) {
            let id = String(event.stream.dropFirst("integration-".count))
            logged[id] = max(logged[id] ?? 0, event.version)
        }
        for (id, version) in acked {
            #expect((view[id]?.version ?? 0) >= version, "view lost an acknowledged command of \(id)")
            #expect((logged[id] ?? 0) >= version, "log lost an acknowledged command of \(id)")
            #expect(view[id]?.version == logged[id], "view and log agree on \(id)")
        }
        daemon.stop()
    }
}
