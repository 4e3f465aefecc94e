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
                return .connected(.init(
                    id: IntegrationID(ProtobufC.string(m.integration_id)), projectID: ProtobufC.string(m.project_id),
                    platform: platform, name: ProtobufC.string(m.name), url: ProtobufC.string(m.url),
                    events: eventTypes(ProtobufC.strings(m.n_events, m.events))))
            }
        case "IntegrationEdited":
            return try ProtobufC.unpack(payload, type, herald__events__v1__integration_edited__unpack) { m in
                let name = ProtobufC.string(m.name)
                let url = ProtobufC.string(m.url)
                let events = eventTypes(ProtobufC.strings(m.n_events, m.events))
                return .edited(.init(
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

    private static func eventTypes(_ names: [String]) -> [EventType] {
        names.compactMap(EventType.init(rawValue:))
    }
}
