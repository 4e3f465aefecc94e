import HeraldClient
import HeraldServer
import HeraldWire
import Testing

@Suite struct HeraldServiceTests {
    @Test func commandsAreReadYourWrites() async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            let connected = try await client.connectIntegration(
                .init(
                    projectId: "PRJ-123", platform: "slack", name: "#engineering-alerts", url: slackURL,
                    events: ["test_cycle.completed", "test_case.created"]))
            #expect(connected.webhookUrl == slackURL)
            #expect(connected.integration.maskedUrl == "https://hooks.slack.com/services/…")
            let id = connected.integration.id

            let edited = try await client.editIntegration(.init(integrationId: id, name: "#qa"))
            #expect(edited.webhookUrl.isEmpty, "the URL is shown only by the command that set it")
            #expect(try await client.getIntegration(id).integration.name == "#qa")

            let same = try await client.editIntegration(.init(integrationId: id, name: "#qa"))
            #expect(same.integration.version == edited.integration.version, "a repeated edit writes nothing")

            #expect(try await client.resetIntegration(id).integration.status == "reset")
            let reconnected = try await client.reconnectIntegration(.init(integrationId: id, url: "https://hooks.slack.com/services/T/B/NEW"))
            #expect(reconnected.integration.status == "connected")
            #expect(reconnected.webhookUrl == "https://hooks.slack.com/services/T/B/NEW")
            #expect(try await client.status().headPosition == 4)
        }
    }

    @Test func errorsCarryPreciseStatuses() async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            await #expect(throws: RPCError(.notFound, "no integration int_nope")) { try await client.getIntegration("int_nope") }
            await #expect {
                try await client.connectIntegration(
                    .init(
                        projectId: "P", platform: "custom", name: "x",
                        url: "https://localhost/hook", events: ["test_case.created"]))
            } throws: {
                let error = $0 as? RPCError
                return error?.code == .invalidArgument && error?.message.contains("resolves to") == true
            }
            await #expect {
                try await client.connectIntegration(
                    .init(
                        projectId: "P", platform: "slack", name: "x",
                        url: "http://hooks.slack.com/services/T/B/X", events: ["test_case.created"]))
            } throws: {
                ($0 as? RPCError)?.message.contains("HTTPS required") == true
            }
            let id = try await client.connectSlack()
            await #expect { try await client.connectSlack(name: "different") } throws: { ($0 as? RPCError)?.code == .alreadyExists }
            await #expect { try await client.reconnectIntegration(.init(integrationId: id, url: "https://hooks.slack.com/services/T/B/Z")) } throws: {
                ($0 as? RPCError)?.code == .failedPrecondition
            }
        }
    }

    @Test func onlineReplayStreamsProgressAndKeepsViews() async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            for n in 0..<20 { _ = try await client.connectSlack(url: "https://hooks.slack.com/services/T/B/\(n)") }
            let before = try await client.listIntegrations()
            var last: V1.ReplayProgress?
            for try await progress in client.replay() { last = progress }
            #expect(last == V1.ReplayProgress(processed: 20, total: 20, done: true))
            #expect(try await client.listIntegrations() == before)
            let status = try await client.status()
            #expect(
                status.projections == [
                    V1.ProjectionStatus(name: "integrations", checkpoint: 20, lag: 0),
                    V1.ProjectionStatus(name: "deliveries", checkpoint: 20, lag: 0),
                ])
        }
    }
}
