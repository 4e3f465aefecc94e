/// An event published by the application, with the deliveries its fan-out decided: the one event
/// of stream "publication-<event id>".
public struct Publication: Equatable, Sendable {
    public var event: PublishedEvent
    public var deliveryIDs: [DeliveryID]

    public init(event: PublishedEvent, deliveryIDs: [DeliveryID]) {
        self.event = event
        self.deliveryIDs = deliveryIDs
    }

    public static func stream(_ eventID: String) -> String { "publication-\(eventID)" }
    public static let typeName = "EventPublished"

    /// Whether publishing `other` under the same id repeats this publication rather than
    /// conflicting with it. A defaulted timestamp differs between two calls, so it is not compared.
    public func isRepeated(by other: PublishedEvent, timestampGiven: Bool) -> Bool {
        event.projectID == other.projectID && event.type == other.type && event.dataJSON == other.dataJSON
            && event.projectName == other.projectName && (!timestampGiven || event.timestamp == other.timestamp)
    }
}
