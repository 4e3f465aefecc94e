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
            .connected(
                .init(
                    id: IntegrationID("int_1"), projectID: "P", platform: .discord, name: "n",
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

    @Test func storedPublicationsAndDeliveryEventsRoundTrip() throws {
        let event = PublishedEvent(
            eventID: "evt_1", projectID: "P", projectName: "Project", type: .testExecutionCompleted,
            timestamp: "2026-01-01T00:00:00Z", dataJSON: #"{"id":"1","title":"t"}"#)
        for targets in [
            [],
            [
                Publication.Target(deliveryID: DeliveryID("dlv_1"), integrationID: IntegrationID("int_1")),
                Publication.Target(deliveryID: DeliveryID("dlv_2"), integrationID: IntegrationID("int_2")),
            ],
        ] {
            let publication = Publication(event: event, targets: targets)
            let stored = StoredEvent.encode(publication)
            #expect(try StoredEvent.decodePublication(type: stored.type, payload: stored.payload) == publication)
        }
        let changes: [DeliveryEvent] = [
            .attempted(
                .init(
                    number: 2, startedAt: 5, durationMilliseconds: 7, httpStatus: 302, error: "HTTP 302",
                    responseSnippet: "moved", location: "https://elsewhere.test", outcome: .exhausted, nextAttemptAt: 0)),
            .cancelled(reason: "integration reset"),
            .retryRequested(dueAt: 42),
        ]
        for change in changes {
            let stored = StoredEvent.encode(change)
            #expect(try StoredEvent.decodeDelivery(type: stored.type, payload: stored.payload) == change)
        }
    }

    @Test func garbageIsAnError() {
        #expect(throws: WireDecodingError.self) { try RequestEnvelope(wireBytes: [0xFF, 0xFF, 0xFF]) }
        #expect(throws: WireDecodingError.self) { try V1.ConnectIntegrationRequest(wireBytes: [0x0A, 0x10, 0x41]) }
    }
}
