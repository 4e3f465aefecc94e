import Foundation
import HeraldApp
import HeraldCore
import HeraldWire

extension FuzzTarget {
    /// Both envelopes: whatever decodes survives an encode and a decode unchanged.
    static let envelope = FuzzTarget(name: "envelope", summary: "the request and response envelopes") { input in
        try roundTrip(RequestEnvelope.self, input)
        try roundTrip(ResponseEnvelope.self, input)
    }

    /// Every message of `Protos/` through the protobuf-c bridge, the first byte choosing which; a
    /// request that decodes then goes through the validation the daemon applies to it.
    static let message = FuzzTarget(name: "message", summary: "every message through the protobuf-c bridge, then the daemon's validation") {
        input throws in
        guard let (choice, bytes) = input.choosing(among: messages.count) else { return }
        try messages[choice](bytes)
    }

    private static let messages: [@Sendable ([UInt8]) throws -> Void] = [
        { bytes in
            guard let request = try roundTrip(V1.ConnectIntegrationRequest.self, bytes) else { return }
            validate(
                .connect(
                    .init(
                        id: IntegrationID("int_fuzz"), projectID: request.projectId, platform: request.platform, name: request.name,
                        url: request.url, events: request.events)), platform: nil)
        },
        { bytes in
            guard let request = try roundTrip(V1.EditIntegrationRequest.self, bytes) else { return }
            for platform in Platform.allCases {
                validate(.edit(.init(name: request.name, url: request.url, events: request.events)), platform: platform)
            }
        },
        { bytes in
            guard let request = try roundTrip(V1.ReconnectIntegrationRequest.self, bytes) else { return }
            for platform in Platform.allCases { validate(.reconnect(url: request.url), platform: platform) }
        },
        { bytes in
            guard let request = try roundTrip(V1.PublishEventRequest.self, bytes) else { return }
            let event = try? PublishedEvent.validate(
                eventID: request.eventId, projectID: request.projectId, projectName: request.projectName,
                eventType: request.eventType, timestamp: request.timestamp, dataJSON: request.dataJson,
                newID: { "evt_fuzz" }, now: Date(timeIntervalSince1970: 1_790_000_000))
            if let event {
                for platform in Platform.allCases { try checkPayload(event.notification, platform) }
            }
        },
        { bytes in
            guard let request = try roundTrip(V1.ListDeliveriesRequest.self, bytes) else { return }
            _ = try? DeliveryService.filter(integrationID: request.integrationId, status: request.status, eventType: request.eventType)
        },
        { bytes in try roundTrip(V1.IntegrationRef.self, bytes) },
        { bytes in try roundTrip(V1.ListIntegrationsRequest.self, bytes) },
        { bytes in try roundTrip(V1.ReadEventsRequest.self, bytes) },
        { bytes in try roundTrip(V1.GetStatusRequest.self, bytes) },
        { bytes in try roundTrip(V1.ReplayRequest.self, bytes) },
        { bytes in try roundTrip(V1.DeliveryRef.self, bytes) },
        { bytes in try roundTrip(V1.WatchDeliveriesRequest.self, bytes) },
        // What a client decodes.
        { bytes in try roundTrip(V1.IntegrationResponse.self, bytes) },
        { bytes in try roundTrip(V1.ListIntegrationsResponse.self, bytes) },
        { bytes in try roundTrip(V1.LogEvent.self, bytes) },
        { bytes in try roundTrip(V1.StatusResponse.self, bytes) },
        { bytes in try roundTrip(V1.ReplayProgress.self, bytes) },
        { bytes in try roundTrip(V1.PublishEventResponse.self, bytes) },
        { bytes in try roundTrip(V1.ListDeliveriesResponse.self, bytes) },
        { bytes in try roundTrip(V1.DeliveryResponse.self, bytes) },
        { bytes in try roundTrip(V1.TestIntegrationResponse.self, bytes) },
        // What a replay reads back from a log, which may have been written by another version.
        { bytes in try storedRoundTrip(bytes, storedIntegrationTypes, StoredEvent.decodeIntegration, StoredEvent.encode) },
        { bytes in try storedRoundTrip(bytes, [Publication.typeName], StoredEvent.decodePublication, StoredEvent.encode) },
        { bytes in try storedRoundTrip(bytes, storedDeliveryTypes, StoredEvent.decodeDelivery, StoredEvent.encode) },
    ]

    private static let storedIntegrationTypes = [
        "IntegrationConnected", "IntegrationEdited", "IntegrationReset", "IntegrationReconnected", "IntegrationSecretRotated",
    ]
    private static let storedDeliveryTypes = ["DeliveryAttempted", "DeliveryCancelled", "DeliveryRetryRequested"]

    /// Decodes `bytes` as each stored type; what decodes must encode and decode back to itself.
    private static func storedRoundTrip<Event: Equatable>(
        _ bytes: [UInt8], _ types: [String], _ decode: (String, [UInt8]) throws -> Event?,
        _ encode: (Event) -> (type: String, payload: [UInt8])
    ) throws {
        for type in types {
            guard let event = try? decode(type, bytes) else { continue }
            let stored = encode(event)
            try require((try? decode(stored.type, stored.payload)) == event, "a stored \(type) does not survive a round trip")
        }
    }

    private static func validate(_ command: IntegrationCommand, platform: Platform?) {
        _ = try? IntegrationDecider(allowList: .none).validated(command, platform: platform)
    }
}

/// Decodes `bytes` as `Message`; what decodes must encode and decode back to itself.
@discardableResult
func roundTrip<Message: WireMessage & Equatable>(_ type: Message.Type, _ bytes: [UInt8]) throws -> Message? {
    guard let message = try? Message(wireBytes: bytes) else { return nil }
    let again = try? Message(wireBytes: message.wireBytes())
    try require(again == message, "\(Message.self) does not survive an encode and a decode")
    return message
}
