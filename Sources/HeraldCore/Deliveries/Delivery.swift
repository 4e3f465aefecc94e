/// The identity of one delivery: one event to one integration. It is also the `webhook-id` header,
/// the same on every attempt.
public struct DeliveryID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static func random<G: RandomNumberGenerator>(using generator: inout G, now: UInt64) -> DeliveryID {
        DeliveryID(TimeOrderedID.make(prefix: "dlv_", now: now, using: &generator))
    }
}

/// Where a delivery stands. Pending → Delivered | Failed (will retry) → Exhausted | Cancelled.
public enum DeliveryStatus: String, Sendable, CaseIterable, Codable {
    case pending, delivered, failed, exhausted, cancelled

    /// A delivery in these states still has an attempt to come.
    public var isOpen: Bool { self == .pending || self == .failed }
}

/// What happened to a delivery after the fan-out made it: the facts stored in its stream.
public enum DeliveryEvent: Equatable, Sendable {
    case attempted(Attempt)
    case cancelled(reason: String)
    case retryRequested(dueAt: Int64)

    public struct Attempt: Equatable, Sendable {
        public enum Outcome: String, Sendable { case delivered, failed, exhausted, cancelled }
        public var number: UInt32
        public var startedAt: Int64
        public var durationMilliseconds: UInt32
        /// 0 when no response came.
        public var httpStatus: UInt32
        public var error: String
        public var responseSnippet: String
        public var location: String
        public var outcome: Outcome
        /// For `.failed`: when the next attempt is due.
        public var nextAttemptAt: Int64

        public init(
            number: UInt32, startedAt: Int64, durationMilliseconds: UInt32, httpStatus: UInt32, error: String,
            responseSnippet: String, location: String, outcome: Outcome, nextAttemptAt: Int64
        ) {
            self.number = number
            self.startedAt = startedAt
            self.durationMilliseconds = durationMilliseconds
            self.httpStatus = httpStatus
            self.error = error
            self.responseSnippet = responseSnippet
            self.location = location
            self.outcome = outcome
            self.nextAttemptAt = nextAttemptAt
        }
    }

    public var typeName: String {
        switch self {
        case .attempted: "DeliveryAttempted"
        case .cancelled: "DeliveryCancelled"
        case .retryRequested: "DeliveryRetryRequested"
        }
    }
}

/// A delivery as its events have made it.
public struct Delivery: Equatable, Sendable {
    public var id: DeliveryID
    public var eventID: String
    public var integrationID: IntegrationID
    public var projectID: String
    public var eventType: EventType
    public var status: DeliveryStatus
    public var attemptCount: UInt32
    /// Attempts since the series began (a manual retry starts a new one); the retry schedule counts these.
    public var seriesAttempts: UInt32
    /// When the next attempt is due, while the delivery is open.
    public var nextAttemptAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var lastHTTPStatus: UInt32
    public var lastError: String
    public var version: UInt64

    public init(
        id: DeliveryID, eventID: String, integrationID: IntegrationID, projectID: String, eventType: EventType,
        status: DeliveryStatus, attemptCount: UInt32, seriesAttempts: UInt32, nextAttemptAt: Int64?, createdAt: Int64,
        updatedAt: Int64, lastHTTPStatus: UInt32, lastError: String, version: UInt64
    ) {
        self.id = id
        self.eventID = eventID
        self.integrationID = integrationID
        self.projectID = projectID
        self.eventType = eventType
        self.status = status
        self.attemptCount = attemptCount
        self.seriesAttempts = seriesAttempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastHTTPStatus = lastHTTPStatus
        self.lastError = lastError
        self.version = version
    }

    /// The delivery after one more event of its stream. (It begins in its publication's fan-out.)
    public static func evolve(_ state: Delivery, _ event: DeliveryEvent, recordedAt: Int64) -> Delivery {
        var next = state
        switch event {
        case .attempted(let attempt):
            next.attemptCount = max(next.attemptCount, attempt.number)
            next.seriesAttempts += 1
            next.lastHTTPStatus = attempt.httpStatus
            next.lastError = attempt.error
            switch attempt.outcome {
            case .delivered: (next.status, next.nextAttemptAt) = (.delivered, nil)
            case .failed: (next.status, next.nextAttemptAt) = (.failed, attempt.nextAttemptAt)
            case .exhausted: (next.status, next.nextAttemptAt) = (.exhausted, nil)
            case .cancelled: break  // the attempt was in flight when the delivery was cancelled
            }
        case .cancelled:
            (next.status, next.nextAttemptAt) = (.cancelled, nil)
        case .retryRequested(let dueAt):
            (next.status, next.nextAttemptAt, next.seriesAttempts) = (.pending, dueAt, 0)
        }
        next.updatedAt = recordedAt
        next.version += 1
        return next
    }
}
