import HeraldCore
import HeraldWire

extension UnitOfWork {
    /// Appends an integration's events in their stored form.
    @discardableResult
    public func append(_ events: [IntegrationEvent], to id: IntegrationID, expectedVersion: UInt64) throws -> [RecordedEvent] {
        try append(to: id.stream, expectedVersion: expectedVersion, events.map { NewEvent(StoredEvent.encode($0)) })
    }

    /// Appends a delivery's events in their stored form.
    @discardableResult
    public func append(_ events: [DeliveryEvent], to id: DeliveryID, expectedVersion: UInt64) throws -> [RecordedEvent] {
        try append(to: id.stream, expectedVersion: expectedVersion, events.map { NewEvent(StoredEvent.encode($0)) })
    }

    /// Appends a published event and its fan-out: a new stream of one event.
    public func append(_ publication: Publication) throws -> RecordedEvent {
        try append(to: Publication.stream(publication.event.eventID), expectedVersion: 0, [NewEvent(StoredEvent.encode(publication))])[0]
    }
}

extension NewEvent {
    /// An event in the form `StoredEvent.encode` gives.
    public init(_ stored: (type: String, payload: [UInt8])) { self.init(type: stored.type, payload: stored.payload) }
}

/// A recorded event as the domain knows it.
public enum DomainEvent: Sendable, Equatable {
    case integration(IntegrationID, IntegrationEvent)
    case published(Publication)
    case delivery(DeliveryID, DeliveryEvent)
    /// A type this Herald doesn't know (a newer one wrote it): left for the Herald that does.
    case unknown
}

/// An event of the log that doesn't decode as its type says: a damaged log, or a bug.
public struct UndecodableEvent: Error, CustomStringConvertible {
    public let position: LogPosition
    public let type: String
    public let reason: String
    public var description: String { "the event at position \(position) (\(type)) can't be decoded: \(reason)" }
}

extension RecordedEvent {
    /// Throws `UndecodableEvent` if the payload doesn't match its type.
    public func decoded() throws -> DomainEvent {
        do {
            if let id = stream.integrationID, let event = try StoredEvent.decodeIntegration(type: type, payload: payload) {
                return .integration(id, event)
            }
            if let publication = try StoredEvent.decodePublication(type: type, payload: payload) {
                return .published(publication)
            }
            if let id = stream.deliveryID, let event = try StoredEvent.decodeDelivery(type: type, payload: payload) {
                return .delivery(id, event)
            }
        } catch {
            throw UndecodableEvent(position: position, type: type, reason: "\(error)")
        }
        return .unknown
    }
}
