import Foundation
import HeraldClient
import HeraldWire
import Synchronization
import TestSupport
import Testing

/// The real daemon delivering to a real HTTPS receiver with its own CA.
@Suite(.serialized) struct DeliveryTests {
    func publish(_ client: HeraldClient, _ n: Int) async throws -> V1.PublishEventResponse {
        try await Self.publish(client, n)
    }

    static func publish(_ client: HeraldClient, _ n: Int, type: String = "test_case.created") async throws -> V1.PublishEventResponse {
        try await client.publish(
            .init(
                eventId: "evt-\(n)", projectId: "PRJ", projectName: "Project", eventType: type,
                dataJson: #"{"id":"TC-\#(n)","title":"Case \#(n)","createdBy":"ci"}"#))
    }

    /// Checks a request's Standard Webhooks signature with the reference Python library; returns its
    /// exit status and what it printed.
    static func verifySignature(of request: HTTPSReceiver.Request, secret: String, in directory: String) throws -> (Int32, String) {
        try Data(request.body).write(to: URL(fileURLWithPath: "\(directory)/body"))
        let headers = ["webhook-id", "webhook-timestamp", "webhook-signature"].map { ($0, request.header($0) ?? "") }
        let script = """
            import json, sys
            from standardwebhooks import Webhook
            body = open(sys.argv[1], 'rb').read()
            headers = json.loads(sys.argv[2])
            Webhook(sys.argv[3]).verify(body, headers)
            print("verified")
            """
        let headerJSON = String(decoding: try JSONSerialization.data(withJSONObject: Dictionary(uniqueKeysWithValues: headers)), as: UTF8.self)
        let python = ProcessInfo.processInfo.environment["HERALD_TEST_PYTHON"] ?? "python3"
        let finished = try ChildProcess.run("/usr/bin/env", [python, "-c", script, "\(directory)/body", headerJSON, secret])
        return (finished.status, finished.stdout + finished.stderr)
    }

    @Test func aCustomSignatureVerifiesWithTheStandardWebhooksLibrary() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try TestCertificates.make(in: directory)
        let receiver = try await HTTPSReceiver(certificates: certificates)
        let daemon = DaemonProcess(directory: directory, arguments: ["--allow-host", "localhost", "--ca-file", certificates.caPath])
        try await daemon.start()
        let client = try await HeraldClient.connect(socketPath: daemon.socket)
        let connected = try await client.connectIntegration(
            .init(
                projectId: "PRJ", platform: "custom", name: "hook", url: receiver.url(), events: ["test_case.created"]))
        _ = try await publish(client, 1)
        let request = try #require(await receiver.waitForRequests(1).first)
        let (status, printed) = try Self.verifySignature(of: request, secret: connected.signingSecret, in: directory)
        #expect(status == 0, "standardwebhooks said: \(printed)")
        #expect(printed.contains("verified"))

        // The secret rotates; the old one no longer verifies what is sent next.
        let rotated = try herald(["integrations", "rotate-secret", connected.integration.id, "--socket", daemon.socket])
        #expect(rotated.status == 0)
        #expect(rotated.stdout.contains("whsec_") && !rotated.stdout.contains(connected.signingSecret))
        daemon.stop()
        await receiver.shutdown()
    }

    @Test func aPrivateAddressGetsNoConnectionWithoutAnAllowListEntry() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try TestCertificates.make(in: directory)
        let receiver = try await HTTPSReceiver(certificates: certificates)
        let daemon = DaemonProcess(
            directory: directory,
            arguments: [
                "--allow-host", "localhost", "--ca-file", certificates.caPath,
                "--retry-schedule", "1h",
            ])
        try await daemon.start()
        var client = try await HeraldClient.connect(socketPath: daemon.socket)
        _ = try await client.connectIntegration(
            .init(
                projectId: "PRJ", platform: "custom", name: "hook", url: receiver.url(),
                events: ["test_case.created"]))
        daemon.stop()
        // The same daemon and log, without the allow-list entry: localhost resolves to a loopback address.
        daemon.extraArguments = ["--ca-file", certificates.caPath, "--retry-schedule", "1h"]
        try await daemon.start()
        client = try await HeraldClient.connect(socketPath: daemon.socket)
        let id = try #require(try await publish(client, 1).deliveries.first?.id)
        var delivery = try await client.getDelivery(id).delivery
        for _ in 0..<200 where delivery.status == "pending" {
            try await Task.sleep(for: .milliseconds(20))
            delivery = try await client.getDelivery(id).delivery
        }
        #expect(delivery.status == "failed")
        #expect(delivery.lastError.contains("non-public"), "\(delivery.lastError)")
        #expect(receiver.connections == 0)
        #expect(receiver.requests.isEmpty)
        daemon.stop()
        await receiver.shutdown()
    }

    @Test func deliveriesSurviveSIGKILL() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try TestCertificates.make(in: directory)
        // Every third request fails, and a slow answer now and then keeps attempts in flight.
        let receiver = try await HTTPSReceiver(certificates: certificates) { index, _ in
            index % 3 == 0 ? .init(status: 500, delay: .milliseconds(30)) : .init(delay: .milliseconds(index % 5 == 0 ? 50 : 0))
        }
        let arguments = [
            "--allow-host", "localhost", "--ca-file", certificates.caPath, "--retry-schedule", "100ms,200ms",
            "--pacing", "off",
        ]
        let daemon = DaemonProcess(directory: directory, arguments: arguments)
        try await daemon.start()
        var client = try await HeraldClient.connect(socketPath: daemon.socket)
        var integrations: [String] = []
        for n in 0..<4 {
            integrations.append(
                try await client.connectIntegration(
                    .init(
                        projectId: "PRJ", platform: "custom", name: "hook \(n)", url: receiver.url("/hook/\(n)"),
                        events: ["test_case.created"])
                ).integration.id)
        }
        let acknowledged = Acknowledged()
        let socket = daemon.socket
        let publishers = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        guard let client = try? await HeraldClient.connect(socketPath: socket) else { return }
                        for n in stride(from: worker, to: 400, by: 8) {
                            guard let reply = try? await Self.publish(client, n) else { return }
                            acknowledged.add(reply.deliveries.map(\.id))
                        }
                    }
                }
            }
        }
        // Killed mid-load: once 150 deliveries are acknowledged (bounded: 20 s), while more are
        // being published and attempted.
        let loaded = ContinuousClock.now + .seconds(20)
        while acknowledged.ids.count < 150, ContinuousClock.now < loaded { try await Task.sleep(for: .milliseconds(5)) }
        daemon.stop(SIGKILL)
        await publishers.value
        let acked = acknowledged.ids
        #expect(acked.count >= 150)

        try await daemon.start()
        client = try await HeraldClient.connect(socketPath: daemon.socket)
        _ = try await client.resetIntegration(integrations[3])  // its open deliveries become cancelled
        let terminal: Set<String> = ["delivered", "exhausted", "cancelled"]
        var all: [V1.Delivery] = []
        for _ in 0..<1_500 {
            all = try await client.listDeliveries(.init(limit: 10_000)).deliveries
            if all.allSatisfy({ terminal.contains($0.status) }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        for id in acked {
            #expect(byID[id] != nil, "acknowledged delivery \(id) was lost")
        }
        let open = all.filter { !terminal.contains($0.status) }
        #expect(open.isEmpty, "\(open.count) deliveries never finished: \(open.prefix(3).map { "\($0.id) \($0.status)" })")
        #expect(all.contains { $0.status == "delivered" })
        daemon.stop()
        await receiver.shutdown()
    }
}

final class Acknowledged: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ ids: [String]) { list.withLock { $0 += ids } }
    var ids: [String] { list.withLock { $0 } }
}
