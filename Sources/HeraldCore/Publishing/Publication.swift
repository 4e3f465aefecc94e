/// An event published by the application, with the fan-out decided for it: the one event of stream
/// "publication-<event id>". Each target is a new delivery, pending from the moment the event is
/// recorded; the delivery's own stream begins with its first attempt.
public struct Publication: Equatable, Sendable {
    public var event: PublishedEvent
    public var targets: [Target]

    public struct Target: Equatable, Sendable {
        public var deliveryID: DeliveryID
        public var integrationID: IntegrationID

        public init(deliveryID: DeliveryID, integrationID: IntegrationID) {
            self.deliveryID = deliveryID
            self.integrationID = integrationID
        }
    }

    public init(event: PublishedEvent, targets: [Target]) {
        self.event = event
        self.targets = targets
    }

    public var deliveryIDs: [DeliveryID] { targets.map(\.deliveryID) }

    /// The deliveries the fan-out made, as they stand before any attempt.
    public func deliveries(recordedAt: Int64) -> [Delivery] {
        targets.map { target in
            Delivery(
                id: target.deliveryID, eventID: event.eventID, integrationID: target.integrationID, projectID: event.projectID,
                eventType: event.type, status: .pending, attemptCount: 0, seriesAttempts: 0, nextAttemptAt: recordedAt,
                createdAt: recordedAt, updatedAt: recordedAt, lastHTTPStatus: 0, lastError: "", version: 0)
        }
    }

    public static let typeName = "EventPublished"
}
