/// What happened to an integration. These are the facts stored in its stream.
public enum IntegrationEvent: Equatable, Sendable {
    case connected(Connected)
    case edited(Edited)
    case reset
    case reconnected(url: String?)
    case secretRotated(secret: String)

    public struct Connected: Equatable, Sendable {
        public var id: IntegrationID
        public var projectID: String
        public var platform: Platform
        public var name: String
        public var url: String
        public var events: [EventType]
        /// Custom integrations sign what they send with this Standard Webhooks secret; "" otherwise.
        public var signingSecret: String

        public init(
            id: IntegrationID, projectID: String, platform: Platform, name: String, url: String, events: [EventType],
            signingSecret: String = ""
        ) {
            self.id = id
            self.projectID = projectID
            self.platform = platform
            self.name = name
            self.url = url
            self.events = events
            self.signingSecret = signingSecret
        }
    }

    /// Only the fields that changed are set.
    public struct Edited: Equatable, Sendable {
        public var name: String?
        public var url: String?
        public var events: [EventType]?

        public init(name: String? = nil, url: String? = nil, events: [EventType]? = nil) {
            self.name = name
            self.url = url
            self.events = events
        }
    }

    /// The type name stored in the log.
    public var typeName: String {
        switch self {
        case .connected: "IntegrationConnected"
        case .edited: "IntegrationEdited"
        case .reset: "IntegrationReset"
        case .reconnected: "IntegrationReconnected"
        case .secretRotated: "IntegrationSecretRotated"
        }
    }
}
