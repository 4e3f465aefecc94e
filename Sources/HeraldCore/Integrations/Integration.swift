/// An integration as its events have made it: the state the decider works from.
public struct Integration: Equatable, Sendable {
    public enum Status: String, Sendable, Codable {
        case connected
        case reset
    }

    public var id: IntegrationID
    public var projectID: String
    public var platform: Platform
    public var name: String
    /// The full webhook URL: a secret. Show `maskedURL`.
    public var url: String {
        didSet { maskedURL = WebhookURL.mask(url) }
    }
    /// The URL with its token-bearing parts replaced by "…": what listings show.
    public private(set) var maskedURL: String
    public var events: [EventType]
    public var status: Status
    /// Milliseconds since the Unix epoch.
    public var createdAt: Int64
    public var updatedAt: Int64
    /// The number of events in the integration's stream.
    public var version: UInt64
    /// A custom integration's signing secret ("whsec_…"); "" for chat platforms. A secret.
    public var signingSecret: String
    /// How its deliveries have gone. The deliveries projection keeps this; commands don't touch it.
    public var health = Health()

    public struct Health: Equatable, Sendable {
        public var lastAttemptAt: Int64 = 0
        public var lastHTTPStatus: UInt32 = 0
        public var lastError = ""
        public var consecutiveFailures: UInt32 = 0

        public init(lastAttemptAt: Int64 = 0, lastHTTPStatus: UInt32 = 0, lastError: String = "", consecutiveFailures: UInt32 = 0) {
            self.lastAttemptAt = lastAttemptAt
            self.lastHTTPStatus = lastHTTPStatus
            self.lastError = lastError
            self.consecutiveFailures = consecutiveFailures
        }

        /// The health after one of the integration's deliveries was attempted.
        public func recording(_ attempt: DeliveryEvent.Attempt) -> Health {
            switch attempt.outcome {
            case .delivered:
                Health(lastAttemptAt: attempt.startedAt, lastHTTPStatus: attempt.httpStatus)
            case .failed, .exhausted:
                Health(
                    lastAttemptAt: attempt.startedAt, lastHTTPStatus: attempt.httpStatus,
                    lastError: attempt.error.isEmpty ? "HTTP \(attempt.httpStatus)" : attempt.error,
                    consecutiveFailures: consecutiveFailures &+ 1)
            case .cancelled:
                self
            }
        }
    }

    public init(
        id: IntegrationID, projectID: String, platform: Platform, name: String, url: String,
        events: [EventType], status: Status, createdAt: Int64, updatedAt: Int64, version: UInt64,
        maskedURL: String? = nil, signingSecret: String = ""
    ) {
        self.id = id
        self.projectID = projectID
        self.platform = platform
        self.name = name
        self.url = url
        self.maskedURL = maskedURL ?? WebhookURL.mask(url)
        self.events = events
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
        self.signingSecret = signingSecret
    }

    /// Folds one event into the state. `recordedAt` is the event's time in the log.
    public static func evolve(_ state: Integration?, _ event: IntegrationEvent, recordedAt: Int64) -> Integration? {
        if case .connected(let connected) = event {
            return Integration(
                id: connected.id, projectID: connected.projectID, platform: connected.platform,
                name: connected.name, url: connected.url, events: connected.events, status: .connected,
                createdAt: recordedAt, updatedAt: recordedAt, version: (state?.version ?? 0) + 1,
                signingSecret: connected.signingSecret)
        }
        guard var next = state else { return nil }
        switch event {
        case .connected:
            break
        case .edited(let edit):
            if let name = edit.name { next.name = name }
            if let url = edit.url { next.url = url }
            if let events = edit.events { next.events = events }
        case .reset:
            next.status = .reset
        case .reconnected(let url):
            next.status = .connected
            if let url { next.url = url }
        case .secretRotated(let secret):
            next.signingSecret = secret
        }
        next.updatedAt = recordedAt
        next.version += 1
        return next
    }
}
