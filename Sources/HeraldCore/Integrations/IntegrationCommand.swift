/// What a caller asks of an integration, as the caller typed it: the decider validates every field.
public enum IntegrationCommand: Sendable {
    case connect(Connect)
    case edit(Edit)
    case reset
    case reconnect(url: String?)
    /// Custom integrations only: sign with `secret` from now on.
    case rotateSecret(secret: String)

    public struct Connect: Sendable {
        public var id: IntegrationID
        public var projectID: String
        public var platform: String
        public var name: String
        public var url: String
        public var events: [String]
        /// Used when the platform is custom: the new integration's signing secret.
        public var signingSecret: String

        public init(
            id: IntegrationID, projectID: String, platform: String, name: String, url: String, events: [String],
            signingSecret: String = ""
        ) {
            self.signingSecret = signingSecret
            self.id = id
            self.projectID = projectID
            self.platform = platform
            self.name = name
            self.url = url
            self.events = events
        }
    }

    /// Absent fields stay as they are.
    public struct Edit: Sendable {
        public var name: String?
        public var url: String?
        public var events: [String]?

        public init(name: String? = nil, url: String? = nil, events: [String]? = nil) {
            self.name = name
            self.url = url
            self.events = events
        }
    }
}
