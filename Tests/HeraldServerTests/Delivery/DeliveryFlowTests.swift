import Crypto
import Foundation
import HeraldClient
import HeraldCore
import HeraldServer
import HeraldWire
import TestSupport
import Testing

/// Publishing through the daemon to a real HTTPS receiver with its own CA.
@Suite struct DeliveryFlowTests {
    struct Setup {
        let certificates: TestCertificates
        let directory: String
    }

    func withReceiver<T>(
        schedule: String = "50ms,100ms,150ms,200ms,250ms", attemptTimeout: Duration = .seconds(10),
        respond: @escaping @Sendable (Int, HTTPSReceiver.Request) -> HTTPSReceiver.Response = { _, _ in .init() },
        _ body: (HeraldClient, HTTPSReceiver) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try TestCertificates.make(in: directory)
        let receiver = try await HTTPSReceiver(certificates: certificates, respond: respond)
        defer { Task { await receiver.shutdown() } }
        return try await withDaemon(configure: { configuration in
            configuration.allowList = try! HostAllowList(["localhost"])
            configuration.caFile = certificates.caPath
            configuration.retryPolicy = RetryPolicy(schedule: try! RetryPolicy.parseSchedule(schedule), attemptTimeout: attemptTimeout)
            configuration.pacing = .unpaced
        }) { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            return try await body(client, receiver)
        }
    }

    func connect(
        _ client: HeraldClient, _ receiver: HTTPSReceiver, platform: String = "custom",
        events: [String] = EventType.allCases.map(\.rawValue)
    ) async throws -> V1.IntegrationResponse {
        try await client.connectIntegration(
            .init(
                projectId: "PRJ-123", platform: platform, name: "receiver",
                url: receiver.url("/hook/\(platform)"), events: events))
    }

    func publish(_ client: HeraldClient, type: String = "test_case.created", id: String = "") async throws -> V1.PublishEventResponse {
        try await client.publish(
            .init(
                eventId: id, projectId: "PRJ-123", projectName: "My Project", eventType: type,
                dataJson: #"{"id":"TC-456","title":"Login page validation","createdBy":"john@example.com"}"#))
    }

    func waitForStatus(_ client: HeraldClient, _ id: String, _ status: String, timeout: Duration = .seconds(20)) async throws -> V1.Delivery {
        let deadline = ContinuousClock.now + timeout
        var delivery = try await client.getDelivery(id).delivery
        while delivery.status != status, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            delivery = try await client.getDelivery(id).delivery
        }
        return delivery
    }

    @Test func aPublishedEventReachesACustomEndpointSigned() async throws {
        try await withReceiver { client, receiver in
            let connected = try await connect(client, receiver)
            #expect(connected.signingSecret.hasPrefix("whsec_"))
            let published = try await publish(client, id: "evt-1")
            let deliveryID = try #require(published.deliveries.first?.id)
            let request = try #require(await receiver.waitForRequests(1).first)
            #expect(request.method == "POST")
            #expect(request.header("webhook-id") == deliveryID)
            #expect(request.header("user-agent") == "Herald/0.1.0")
            #expect(request.header("content-type")?.hasPrefix("application/json") == true)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect(body["event"] as? String == "test_case.created")
            #expect((body["project"] as? [String: Any])?["name"] as? String == "My Project")
            #expect(request.text.contains(#""data":{"id":"TC-456","title":"Login page validation","createdBy":"john@example.com"}"#))

            // Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" with the secret's key bytes.
            let timestamp = try #require(request.header("webhook-timestamp"))
            let key = try #require(Data(base64Encoded: String(connected.signingSecret.dropFirst("whsec_".count))))
            let expected = HMAC<SHA256>.authenticationCode(
                for: Data("\(deliveryID).\(timestamp).".utf8) + Data(request.body),
                using: SymmetricKey(data: key))
            #expect(request.header("webhook-signature") == "v1," + Data(expected).base64EncodedString())

            let delivered = try await waitForStatus(client, deliveryID, "delivered")
            #expect(delivered.status == "delivered")
            let shown = try await client.getDelivery(deliveryID).delivery
            #expect(shown.attempts.count == 1 && shown.attempts[0].httpStatus == 200)
            let health = try await client.getIntegration(connected.integration.id).integration
            #expect(health.lastHttpStatus == 200 && health.consecutiveFailures == 0 && health.lastAttemptAtUnixMs > 0)

            // Publishing the same id again sends nothing new.
            let again = try await publish(client, id: "evt-1")
            #expect(again.duplicate && again.deliveries.map(\.id) == [deliveryID])
            await #expect {
                try await client.publish(
                    .init(
                        eventId: "evt-1", projectId: "PRJ-123", eventType: "test_case.deleted",
                        dataJson: #"{"id":"1","title":"t"}"#))
            } throws: {
                ($0 as? RPCError)?.code == .alreadyExists
            }
            // A new event is the positive control: once it has come, a second send of the repeated
            // one, queued before it, would have come too.
            let next = try await publish(client, id: "evt-2")
            let requests = await receiver.waitForRequests(2)
            #expect(requests.map { $0.header("webhook-id") } == [deliveryID, next.deliveries.first?.id])
        }
    }

    @Test func watchStreamsStateChanges() async throws {
        try await withReceiver { client, receiver in
            _ = try await connect(client, receiver)
            // Calls on one connection are read in order: once status() answers, the watch is open.
            let updates = client.watchDeliveries()
            _ = try await client.status()
            let watcher = Task {
                var seen: [String] = []
                for try await delivery in updates {
                    seen.append(delivery.status)
                    if delivery.status == "delivered" { break }
                }
                return seen
            }
            _ = try await publish(client)
            let seen = try await watcher.value
            #expect(seen.first == "pending" && seen.last == "delivered")
        }
    }

    @Test func statusShowsTheReactorsQueue() async throws {
        let gate = HTTPSReceiver.Gate()
        defer { gate.open() }
        try await withReceiver(respond: { _, _ in .init(heldBy: gate) }) { client, receiver in
            _ = try await connect(client, receiver)
            _ = try await publish(client)
            // While the receiver holds the request, the attempt is in flight.
            let inFlight = try await waitForStatus(client, until: { $0.deliveriesInFlight == 1 })
            #expect(inFlight.deliveriesInFlight == 1 && inFlight.deliveriesQueued == 0)
            gate.open()
            // Once its outcome is recorded: nothing left, and the reactor has followed the whole log.
            let settled = try await waitForStatus(
                client,
                until: {
                    $0.deliveriesInFlight == 0 && $0.deliveriesQueued == 0 && $0.reactorPosition == $0.headPosition
                })
            #expect(settled.deliveriesInFlight == 0 && settled.reactorPosition == settled.headPosition)
            #expect(receiver.requestCount == 1)
        }
    }

    func waitForStatus(_ client: HeraldClient, until condition: (V1.StatusResponse) -> Bool) async throws -> V1.StatusResponse {
        let deadline = ContinuousClock.now + .seconds(20)
        var status = try await client.status()
        while !condition(status), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            status = try await client.status()
        }
        return status
    }

    @Test func testSendsASampleNow() async throws {
        try await withReceiver(respond: { index, _ in index == 0 ? .init() : .init(status: 404, body: "no such hook") }) { client, receiver in
            let connected = try await connect(client, receiver, platform: "slack")
            let ok = try await client.testIntegration(connected.integration.id)
            #expect(ok.delivered && ok.attempt.httpStatus == 200)
            let request = try #require(await receiver.waitForRequests(1).first)
            #expect(request.text.contains("Herald test notification"))
            let failed = try await client.testIntegration(connected.integration.id)
            #expect(!failed.delivered && failed.attempt.httpStatus == 404 && failed.attempt.responseSnippet == "no such hook")
            // A test is not a delivery.
            #expect(try await client.listDeliveries(.init()).deliveries.isEmpty)
        }
    }

    @Test func unsubscribedTypesAreNotSent() async throws {
        try await withReceiver { client, receiver in
            _ = try await connect(client, receiver, events: ["test_plan.created"])
            let ignored = try await publish(client, type: "test_case.created")
            #expect(ignored.deliveries.isEmpty)
            let sent = try await publish(client, type: "test_plan.created")
            #expect(sent.deliveries.count == 1)
            // A second subscribed event is the positive control: once it has come, the ignored one,
            // published before both, would have come too.
            _ = try await publish(client, type: "test_plan.created")
            let requests = await receiver.waitForRequests(2)
            #expect(requests.count == 2)
            #expect(requests.allSatisfy { $0.text.contains("test_plan.created") && !$0.text.contains("test_case.created") })
        }
    }

    @Test func aFailingEndpointGetsTheScheduledRetriesThenExhausts() async throws {
        // Down for the whole first series; up again by the manual retry.
        try await withReceiver(respond: { n, _ in n < 6 ? .init(status: 503, body: "down") : .init() }) { client, receiver in
            let connected = try await connect(client, receiver)
            let id = try #require(try await publish(client).deliveries.first?.id)
            let requests = await receiver.waitForRequests(6)
            let delivery = try await waitForStatus(client, id, "exhausted")
            #expect(delivery.status == "exhausted")
            #expect(requests.count == 6)
            let gaps = zip(requests.dropFirst(), requests).map { ($0.receivedAt - $1.receivedAt).milliseconds }
            // Each wait may be up to 10% shorter (the jitter), and due times are kept in whole
            // milliseconds, so a retry may come a millisecond or two before that.
            for (gap, scheduled) in zip(gaps, [50, 100, 150, 200, 250] as [Int64]) {
                #expect(gap >= scheduled * 9 / 10 - 3, "retry came after \(gap) ms, scheduled \(scheduled) ms")
            }
            #expect(Set(requests.compactMap { $0.header("webhook-id") }) == [id], "the same webhook-id on every retry")
            // Nothing after exhaustion: the manual retry below is the seventh request, and the last.
            let shown = try await client.getDelivery(id).delivery
            #expect(shown.attempts.map(\.outcome) == ["failed", "failed", "failed", "failed", "failed", "exhausted"])
            #expect(shown.attempts.allSatisfy { $0.httpStatus == 503 && $0.responseSnippet == "down" })
            let health = try await client.getIntegration(connected.integration.id).integration
            #expect(health.consecutiveFailures == 6 && health.lastHttpStatus == 503)

            // The deliveries view, attempts and health are projections: a replay rebuilds them equal.
            let before = (try await client.listDeliveries(.init()), try await client.getDelivery(id), health)
            for try await _ in client.replay() {}
            let after = (
                try await client.listDeliveries(.init()), try await client.getDelivery(id),
                try await client.getIntegration(connected.integration.id).integration
            )
            #expect(after.0 == before.0 && after.1 == before.1 && after.2 == before.2)

            // A manual retry starts a new series, with the same webhook-id.
            let retried = try await client.retryDelivery(id).delivery
            #expect(retried.status == "pending")
            #expect(try await waitForStatus(client, id, "delivered").status == "delivered")
            let all = receiver.requests
            #expect(all.count == 7 && all.last?.header("webhook-id") == id)
        }
    }

    @Test func resetCancelsOpenDeliveries() async throws {
        try await withReceiver(schedule: "1h", respond: { _, _ in .init(status: 500) }) { client, receiver in
            let connected = try await connect(client, receiver)
            let id = try #require(try await publish(client).deliveries.first?.id)
            _ = await receiver.waitForRequests(1)
            #expect(try await waitForStatus(client, id, "failed").status == "failed")
            _ = try await client.resetIntegration(connected.integration.id)
            #expect(try await client.getDelivery(id).delivery.status == "cancelled")
            let cancelled = try await client.listDeliveries(.init(status: "cancelled"))
            #expect(cancelled.deliveries.map(\.id) == [id])
        }
    }

    @Test func anEditCancelsDeliveriesOfTypesNoLongerSubscribedAndRetargetsTheRest() async throws {
        // The old URL fails until the edit, however long the test takes to get there, and the
        // deliveries keep retrying meanwhile.
        try await withReceiver(
            schedule: Array(repeating: "2s", count: 20).joined(separator: ","),
            respond: { _, request in request.uri == "/moved" ? .init() : .init(status: 500) }
        ) { client, receiver in
            let connected = try await connect(client, receiver, events: ["test_case.created", "test_plan.created"])
            let dropped = try #require(try await publish(client, type: "test_case.created").deliveries.first?.id)
            let kept = try #require(try await publish(client, type: "test_plan.created").deliveries.first?.id)
            _ = await receiver.waitForRequests(2)
            #expect(try await waitForStatus(client, dropped, "failed").status == "failed")
            #expect(try await waitForStatus(client, kept, "failed").status == "failed")
            // Unsubscribe from test cases and move the webhook: the retry goes to the new URL.
            _ = try await client.editIntegration(
                .init(
                    integrationId: connected.integration.id, url: receiver.url("/moved"),
                    events: ["test_plan.created"]))
            #expect(try await client.getDelivery(dropped).delivery.status == "cancelled")
            #expect(try await waitForStatus(client, kept, "delivered").status == "delivered")
            let moved = receiver.requests.filter { $0.uri == "/moved" }
            #expect(moved.map { $0.header("webhook-id") } == [kept])
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await withReceiver(
            schedule: "10ms",
            respond: { index, _ in
                index == 0 ? .init(status: 429, headers: [("Retry-After", "1")], body: "slow down") : .init()
            }
        ) { client, receiver in
            _ = try await connect(client, receiver)
            let id = try #require(try await publish(client).deliveries.first?.id)
            let requests = await receiver.waitForRequests(2)
            #expect(requests.count == 2)
            if requests.count == 2 {
                #expect((requests[1].receivedAt - requests[0].receivedAt) >= .milliseconds(997))
            }
            #expect(try await waitForStatus(client, id, "delivered").status == "delivered")
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await withReceiver(respond: { _, _ in .init(status: 302, headers: [("Location", "https://localhost:1/elsewhere")]) }) { client, receiver in
            _ = try await connect(client, receiver)
            let id = try #require(try await publish(client).deliveries.first?.id)
            let delivery = try await waitForStatus(client, id, "exhausted")
            #expect(delivery.status == "exhausted")
            let shown = try await client.getDelivery(id).delivery
            #expect(shown.attempts.first?.httpStatus == 302)
            #expect(shown.attempts.first?.location == "https://localhost:1/elsewhere")
            #expect(receiver.requests.count == 1)
        }
    }

    @Test func aTimeoutCountsAsAFailure() async throws {
        try await withReceiver(
            schedule: "1h", attemptTimeout: .milliseconds(300),
            respond: { _, _ in .init(delay: .seconds(3)) }
        ) { client, receiver in
            _ = try await connect(client, receiver)
            let id = try #require(try await publish(client).deliveries.first?.id)
            let delivery = try await waitForStatus(client, id, "failed")
            #expect(delivery.status == "failed")
            let attempt = try #require(try await client.getDelivery(id).delivery.attempts.first)
            #expect(attempt.httpStatus == 0 && attempt.error.contains("timed out"))
            #expect(attempt.durationMs < 2_000)
        }
    }

    @Test func aRefusedConnectionFailsAtOnce() async throws {
        try await withReceiver(schedule: "1h", attemptTimeout: .seconds(8)) { client, _ in
            _ = try await client.connectIntegration(
                .init(
                    projectId: "PRJ-123", platform: "custom", name: "closed",
                    url: "https://localhost:1/hook", events: ["test_case.created"]))
            let id = try #require(try await publish(client).deliveries.first?.id)
            let delivery = try await waitForStatus(client, id, "failed", timeout: .seconds(6))
            #expect(delivery.status == "failed", "a refused connection must not wait out the attempt timeout")
            let attempt = try #require(try await client.getDelivery(id).delivery.attempts.first)
            #expect(attempt.httpStatus == 0 && !attempt.error.contains("timed out"), "\(attempt.error)")
        }
    }

    @Test(arguments: ["slack", "discord", "teams", "google_chat"])
    func chatPlatformsGetTheirFormat(_ platform: String) async throws {
        try await withReceiver { client, receiver in
            _ = try await connect(client, receiver, platform: platform)
            for type in EventType.allCases { _ = try await publish(client, type: type.rawValue) }
            let requests = await receiver.waitForRequests(EventType.allCases.count)
            #expect(requests.count == EventType.allCases.count)
            for request in requests {
                let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
                switch platform {
                case "slack": #expect(body["blocks"] != nil && body["text"] != nil)
                case "discord": #expect(body["embeds"] != nil && body["allowed_mentions"] != nil)
                case "teams": #expect(body["type"] as? String == "message" && body["attachments"] != nil)
                default: #expect(body["cardsV2"] != nil && body["text"] != nil)
                }
                #expect(request.header("webhook-signature") == nil, "only custom endpoints are signed")
            }
            let headlines = Set(
                requests.compactMap { request in
                    EventType.allCases.first { request.text.contains($0.headline) }?.rawValue
                })
            #expect(headlines.count == EventType.allCases.count)
        }
    }
}
