import HeraldCore
import Testing
@testable import HeraldWire

@Suite struct MessagesTests {
    @Test func listResponseRoundTrips() throws {
        let integration = V1.Integration(
            id: "int_1", projectId: "PRJ", platform: "slack", name: "#a", maskedUrl: "https://hooks.slack.com/services/…",
            events: ["test_case.created", "test_cycle.completed"], status: "connected", createdAtUnixMs: 5,
            updatedAtUnixMs: 6, version: 2)
        let response = V1.ListIntegrationsResponse(integrations: [integration, integration])
        let decoded = try V1.ListIntegrationsResponse(wireBytes: response.wireBytes())
        #expect(decoded == response)
    }

    @Test func editRequestKeepsPresence() throws {
        let some = V1.EditIntegrationRequest(integrationId: "int_1", name: "", url: nil, events: [])
        let decoded = try V1.EditIntegrationRequest(wireBytes: some.wireBytes())
        #expect(decoded == some)
        let none = V1.EditIntegrationRequest(integrationId: "int_1")
        #expect(try V1.EditIntegrationRequest(wireBytes: none.wireBytes()) == none)
    }

    @Test func logEventRoundTrips() throws {
        let event = V1.LogEvent(position: 7, stream: "integration-x", version: 3, type: "IntegrationReset", payload: [1, 2, 0, 3], recordedAtUnixMs: 99)
        #expect(try V1.LogEvent(wireBytes: event.wireBytes()) == event)
    }

    @Test func envelopesRoundTrip() throws {
        let request = RequestEnvelope(callID: 9, method: Method.getStatus, timeoutMilliseconds: 250, message: [0, 1, 2], cancel: false)
        #expect(try RequestEnvelope(wireBytes: request.wireBytes()) == request)
        let response = ResponseEnvelope(callID: 9, status: 5, statusMessage: "no integration x", message: [], endOfStream: true)
        #expect(try ResponseEnvelope(wireBytes: response.wireBytes()) == response)
        #expect(response.error == RPCError(.notFound, "no integration x"))
    }

    @Test func storedEventsRoundTrip() throws {
        let events: [IntegrationEvent] = [
            .connected(.init(id: IntegrationID("int_1"), projectID: "P", platform: .discord, name: "n",
                             url: "https://discord.com/api/webhooks/1/abc", events: [.testCaseCreated])),
            .edited(.init(name: "m", url: nil, events: [.testPlanCompleted, .testCaseDeleted])),
            .edited(.init(url: "https://x.test/a")),
            .reset,
            .reconnected(url: nil),
            .reconnected(url: "https://y.test/b"),
        ]
        for event in events {
            let stored = StoredEvent.encode(event)
            #expect(try StoredEvent.decodeIntegration(type: stored.type, payload: stored.payload) == event)
        }
        #expect(try StoredEvent.decodeIntegration(type: "SomethingNewer", payload: [1]) == nil)
    }

    @Test func garbageIsAnError() {
        #expect(throws: WireDecodingError.self) { try RequestEnvelope(wireBytes: [0xFF, 0xFF, 0xFF]) }
        #expect(throws: WireDecodingError.self) { try V1.ConnectIntegrationRequest(wireBytes: [0x0A, 0x10, 0x41]) }
    }
}
