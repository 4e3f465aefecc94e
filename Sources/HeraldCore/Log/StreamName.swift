/// The name of an event stream: its kind, a dash, and the id of what it holds the history of
/// ("integration-int_…", "delivery-dlv_…", "publication-<event id>").
public struct StreamName: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case integration, delivery, publication
    }

    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(_ kind: Kind, _ id: String) { rawValue = "\(kind.rawValue)-\(id)" }

    public var description: String { rawValue }

    /// The kind, if the name starts with one Herald writes.
    public var kind: Kind? {
        // A prefix compare, no allocation: this runs for every event a view folds.
        if rawValue.hasPrefix(Self.integrationPrefix) { return .integration }
        if rawValue.hasPrefix(Self.deliveryPrefix) { return .delivery }
        if rawValue.hasPrefix(Self.publicationPrefix) { return .publication }
        return nil
    }

    public var integrationID: IntegrationID? {
        rawValue.hasPrefix(Self.integrationPrefix) ? IntegrationID(String(rawValue.utf8.dropFirst(Self.integrationPrefix.utf8.count))!) : nil
    }

    public var deliveryID: DeliveryID? {
        rawValue.hasPrefix(Self.deliveryPrefix) ? DeliveryID(String(rawValue.utf8.dropFirst(Self.deliveryPrefix.utf8.count))!) : nil
    }

    private static let integrationPrefix = "integration-"
    private static let deliveryPrefix = "delivery-"
    private static let publicationPrefix = "publication-"
}

extension IntegrationID {
    /// The event stream that holds this integration's history.
    public var stream: StreamName { StreamName(.integration, rawValue) }
}

extension DeliveryID {
    /// The stream of a delivery's attempts and changes; the fan-out that made it is in its publication's.
    public var stream: StreamName { StreamName(.delivery, rawValue) }
}

extension Publication {
    public static func stream(_ eventID: String) -> StreamName { StreamName(.publication, eventID) }
}
