import HeraldCore
import HeraldProtoC

/// The stored form of domain events: a type name and a `herald.events.v1` payload.
public enum StoredEvent {
    public static func encode(_ event: IntegrationEvent) -> (type: String, payload: [UInt8]) {
        let arena = CArena()
        let payload: [UInt8]
        switch event {
        case .connected(let e):
            let m = arena.message(herald__events__v1__integration_connected__init)
            m.pointee.integration_id = arena.string(e.id.rawValue)
            m.pointee.project_id = arena.string(e.projectID)
            m.pointee.platform = arena.string(e.platform.rawValue)
            m.pointee.name = arena.string(e.name)
            m.pointee.url = arena.string(e.url)
            (m.pointee.n_events, m.pointee.events) = arena.strings(e.events.map(\.rawValue))
            m.pointee.signing_secret = arena.string(e.signingSecret)
            payload = ProtobufC.pack(m)
        case .secretRotated(let secret):
            let m = arena.message(herald__events__v1__integration_secret_rotated__init)
            m.pointee.signing_secret = arena.string(secret)
            payload = ProtobufC.pack(m)
        case .edited(let e):
            let m = arena.message(herald__events__v1__integration_edited__init)
            m.pointee.name = arena.string(e.name ?? "")
            m.pointee.url = arena.string(e.url ?? "")
            (m.pointee.n_events, m.pointee.events) = arena.strings(e.events?.map(\.rawValue) ?? [])
            payload = ProtobufC.pack(m)
        case .reset:
            payload = []
        case .reconnected(let url):
            let m = arena.message(herald__events__v1__integration_reconnected__init)
            m.pointee.url = arena.string(url ?? "")
            payload = ProtobufC.pack(m)
        }
        return (event.typeName, payload)
    }

    /// Decodes a stored integration event. Unknown types decode as nil, so that an older Herald
    /// can read a log a newer one has written.
    public static func decodeIntegration(type: String, payload: [UInt8]) throws -> IntegrationEvent? {
        switch type {
        case "IntegrationConnected":
            return try ProtobufC.unpack(payload, type, herald__events__v1__integration_connected__unpack) { m in
                guard let platform = Platform(rawValue: ProtobufC.string(m.platform)) else {
                    throw WireDecodingError("stored event has unknown platform")
                }
                return .connected(
                    .init(
                        id: IntegrationID(ProtobufC.string(m.integration_id)), projectID: ProtobufC.string(m.project_id),
                        platform: platform, name: ProtobufC.string(m.name), url: ProtobufC.string(m.url),
                        events: eventTypes(ProtobufC.strings(m.n_events, m.events)),
                        signingSecret: ProtobufC.string(m.signing_secret)))
            }
        case "IntegrationSecretRotated":
            return try ProtobufC.unpack(payload, type, herald__events__v1__integration_secret_rotated__unpack) { m in
                .secretRotated(secret: ProtobufC.string(m.signing_secret))
            }
        case "IntegrationEdited":
            return try ProtobufC.unpack(payload, type, herald__events__v1__integration_edited__unpack) { m in
                let name = ProtobufC.string(m.name)
                let url = ProtobufC.string(m.url)
                let events = eventTypes(ProtobufC.strings(m.n_events, m.events))
                return .edited(
                    .init(
                        name: name.isEmpty ? nil : name, url: url.isEmpty ? nil : url, events: events.isEmpty ? nil : events))
            }
        case "IntegrationReset":
            return .reset
        case "IntegrationReconnected":
            return try ProtobufC.unpack(payload, type, herald__events__v1__integration_reconnected__unpack) { m in
                let url = ProtobufC.string(m.url)
                return .reconnected(url: url.isEmpty ? nil : url)
            }
        default:
            return nil
        }
    }

    // MARK: Publications and deliveries

    public static func encode(_ publication: Publication) -> (type: String, payload: [UInt8]) {
        let arena = CArena()
        let m = arena.message(herald__events__v1__event_published__init)
        let e = publication.event
        m.pointee.event_id = arena.string(e.eventID)
        m.pointee.project_id = arena.string(e.projectID)
        m.pointee.project_name = arena.string(e.projectName)
        m.pointee.event_type = arena.string(e.type.rawValue)
        m.pointee.timestamp = arena.string(e.timestamp)
        m.pointee.data_json = arena.string(e.dataJSON)
        (m.pointee.n_deliveries, m.pointee.deliveries) = arena.messages(
            publication.targets.map { target in
                let t = arena.message(herald__events__v1__fanned_out_delivery__init)
                t.pointee.delivery_id = arena.string(target.deliveryID.rawValue)
                t.pointee.integration_id = arena.string(target.integrationID.rawValue)
                return t
            })
        return (Publication.typeName, ProtobufC.pack(m))
    }

    public static func decodePublication(type: String, payload: [UInt8]) throws -> Publication? {
        guard type == Publication.typeName else { return nil }
        return try ProtobufC.unpack(payload, type, herald__events__v1__event_published__unpack) { m in
            guard let eventType = EventType(rawValue: ProtobufC.string(m.event_type)) else {
                throw WireDecodingError("stored event has unknown event type")
            }
            return Publication(
                event: PublishedEvent(
                    eventID: ProtobufC.string(m.event_id), projectID: ProtobufC.string(m.project_id),
                    projectName: ProtobufC.string(m.project_name), type: eventType, timestamp: ProtobufC.string(m.timestamp),
                    dataJSON: ProtobufC.string(m.data_json)),
                targets: try ProtobufC.messages(m.n_deliveries, m.deliveries) { t in
                    Publication.Target(
                        deliveryID: DeliveryID(ProtobufC.string(t.delivery_id)),
                        integrationID: IntegrationID(ProtobufC.string(t.integration_id)))
                })
        }
    }

    public static func encode(_ event: DeliveryEvent) -> (type: String, payload: [UInt8]) {
        let arena = CArena()
        let payload: [UInt8]
        switch event {
        case .attempted(let a):
            let m = arena.message(herald__events__v1__delivery_attempted__init)
            m.pointee.number = a.number
            m.pointee.started_at_unix_ms = a.startedAt
            m.pointee.duration_ms = a.durationMilliseconds
            m.pointee.http_status = a.httpStatus
            m.pointee.error = arena.string(a.error)
            m.pointee.response_snippet = arena.string(a.responseSnippet)
            m.pointee.location = arena.string(a.location)
            m.pointee.outcome = arena.string(a.outcome.rawValue)
            m.pointee.next_attempt_at_unix_ms = a.nextAttemptAt
            payload = ProtobufC.pack(m)
        case .cancelled(let reason):
            let m = arena.message(herald__events__v1__delivery_cancelled__init)
            m.pointee.reason = arena.string(reason)
            payload = ProtobufC.pack(m)
        case .retryRequested(let dueAt):
            let m = arena.message(herald__events__v1__delivery_retry_requested__init)
            m.pointee.due_at_unix_ms = dueAt
            payload = ProtobufC.pack(m)
        }
        return (event.typeName, payload)
    }

    public static func decodeDelivery(type: String, payload: [UInt8]) throws -> DeliveryEvent? {
        switch type {
        case "DeliveryAttempted":
            return try ProtobufC.unpack(payload, type, herald__events__v1__delivery_attempted__unpack) { m in
                .attempted(
                    .init(
                        number: m.number, startedAt: m.started_at_unix_ms, durationMilliseconds: m.duration_ms,
                        httpStatus: m.http_status, error: ProtobufC.string(m.error),
                        responseSnippet: ProtobufC.string(m.response_snippet), location: ProtobufC.string(m.location),
                        outcome: DeliveryEvent.Attempt.Outcome(rawValue: ProtobufC.string(m.outcome)) ?? .failed,
                        nextAttemptAt: m.next_attempt_at_unix_ms))
            }
        case "DeliveryCancelled":
            return try ProtobufC.unpack(payload, type, herald__events__v1__delivery_cancelled__unpack) { m in
                .cancelled(reason: ProtobufC.string(m.reason))
            }
        case "DeliveryRetryRequested":
            return try ProtobufC.unpack(payload, type, herald__events__v1__delivery_retry_requested__unpack) { m in
                .retryRequested(dueAt: m.due_at_unix_ms)
            }
        default:
            return nil
        }
    }

    private static func eventTypes(_ names: [String]) -> [EventType] {
        names.compactMap(EventType.init(rawValue:))
    }
}
