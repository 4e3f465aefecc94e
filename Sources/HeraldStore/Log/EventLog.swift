import Foundation
import HeraldCore

/// What Herald needs from an event log, whatever keeps it. Every implementation keeps these
/// guarantees:
///
/// - **Order.** Positions start at 1 and increase in commit order. A follower that has read up to
///   position N never later finds a new event at or below N: no gap is filled after the fact.
/// - **Optimistic concurrency.** `append` names the version the stream must be at; a conflict fails
///   only the unit of work that made it, never the others committed beside it.
/// - **Views move with the log.** A unit of work's appends and the view updates they cause commit
///   together; once a write has been acknowledged, every read sees its effect.
/// - **Durability.** An acknowledged write survives a crash of the process (for the durable
///   implementations; the in-memory one keeps nothing).
/// - **Notices.** After a commit that appended events, subscribers hear the new head, in commit
///   order. A notice may name the event types the commit appended (all of them, perhaps more); a
///   follower that takes other types can then skip the read. A follower re-reads from its own
///   position, so a notice that comes late only delays.
///
/// Reads are `async`: an implementation whose reads block on IO runs them on threads of its own, so
/// no caller's event loop or task thread waits on a disk. `integrations` is in memory and never
/// waits; `write` enqueues and returns.
public protocol EventLog: AnyObject, Sendable {
    /// Which backend this is and where, for status and logs; nothing secret in it.
    var location: StoreLocation { get }

    /// The integrations view, held in memory: the lookups of every call and every attempt.
    var integrations: IntegrationsCache { get }

    /// The head as of the newest commit this log has heard of, without reading anything: at least
    /// the position of every write acknowledged so far. A follower that starts here sees every
    /// write acknowledged after it started.
    var knownHead: LogPosition { get }

    /// Each view's position as of the newest commit this log has heard of, without reading
    /// anything: what status shows.
    var knownCheckpoints: [Checkpoint] { get }

    /// Runs `body` as one unit of work and calls `completion` once it is durable (or with the
    /// error). A body that throws appends nothing. A unit of work whose `deadline` passes before it
    /// starts fails with `StoreError.deadlineExceeded`, having done nothing.
    func write<T: Sendable>(
        deadline: ContinuousClock.Instant?,
        _ body: @escaping @Sendable (any UnitOfWork) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void)

    /// Runs `body` against the views as of one moment. It sees every acknowledged write.
    func read<T: Sendable>(_ body: @escaping @Sendable (any ViewReader) throws -> T) async throws -> T

    /// Up to `limit` events from `position` on, in order.
    func events(from position: LogPosition, limit: Int) async throws -> [RecordedEvent]

    /// Events of the given types in (`position`, `head`], in order, at most `limit` of them.
    func events(after position: LogPosition, through head: LogPosition, types: [String], limit: Int) async throws -> [RecordedEvent]

    /// The position of the newest committed event; 0 for an empty log.
    func head() async throws -> LogPosition

    /// Each view's name and the position it has applied up to.
    func checkpoints() async throws -> [Checkpoint]

    /// Calls `handler` after each commit that appended events, in commit order. It runs on the log's
    /// own thread, perhaps while the log waits: hand the work elsewhere and return, and don't call
    /// the log from it.
    func subscribe(_ handler: @escaping @Sendable (CommitNotice) -> Void) -> LogSubscription

    /// Empties every view and replays the whole log into them, with no write between; `progress`
    /// hears every `every` events. Returns how many events were replayed.
    func rebuildViews(every: Int, progress: @escaping @Sendable (_ processed: UInt64, _ total: UInt64) -> Void) async throws -> UInt64

    /// Finishes the writes already queued, then closes every connection and file. Later writes
    /// fail with `StoreError.closed`.
    func close() async
}

extension EventLog {
    @discardableResult
    public func write<T: Sendable>(
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (any UnitOfWork) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            write(deadline: deadline, body) { continuation.resume(with: $0) }
        }
    }
}

/// A command's view of the log inside its unit of work: the views as they stand, including what
/// this unit has appended so far, and appends.
public protocol UnitOfWork: ViewReader {
    /// The time the unit of work records its events at, in milliseconds since the Unix epoch.
    var now: Int64 { get }

    /// Appends events to a stream whose version must be `expectedVersion` (0: a stream that does
    /// not exist yet), and applies them to the views. Throws `StoreError.versionConflict` otherwise.
    @discardableResult
    func append(to stream: StreamName, expectedVersion: UInt64, _ events: [NewEvent]) throws -> [RecordedEvent]
}

/// The queries the views answer.
public protocol ViewReader {
    func integration(_ id: IntegrationID) throws -> Integration?
    /// The integration of `projectID` with exactly this webhook URL, if any.
    func integration(projectID: String, url: String) throws -> Integration?
    /// Every integration of a project, in no particular order: the candidates of a fan-out.
    func integrations(ofProject projectID: String) throws -> [Integration]

    func delivery(_ id: DeliveryID) throws -> Delivery?
    /// Deliveries of an integration that still have an attempt to come.
    func openDeliveries(of integrationID: IntegrationID) throws -> [Delivery]
    /// Every delivery that still has an attempt to come, soonest due first.
    func allOpenDeliveries() throws -> [Delivery]
    /// Newest first, at most `limit`.
    func deliveries(matching filter: DeliveryFilter, limit: Int) throws -> [Delivery]
    /// A delivery's attempts, in the order they were made.
    func attempts(of id: DeliveryID) throws -> [DeliveryEvent.Attempt]

    /// A published event and the ids of the deliveries its fan-out made.
    func publication(_ eventID: String) throws -> PublicationRecord?
}

/// Which deliveries a listing shows: those matching every condition given.
public struct DeliveryFilter: Sendable, Equatable {
    public var integrationID: IntegrationID?
    public var status: DeliveryStatus?
    public var eventType: EventType?

    public init(integrationID: IntegrationID? = nil, status: DeliveryStatus? = nil, eventType: EventType? = nil) {
        self.integrationID = integrationID
        self.status = status
        self.eventType = eventType
    }

    public func matches(_ delivery: Delivery) -> Bool {
        (integrationID.map { $0 == delivery.integrationID } ?? true)
            && (status.map { $0 == delivery.status } ?? true)
            && (eventType.map { $0 == delivery.eventType } ?? true)
    }
}

/// A published event as the publications view keeps it.
public struct PublicationRecord: Sendable, Equatable {
    public let event: PublishedEvent
    public let deliveryIDs: [DeliveryID]

    public init(event: PublishedEvent, deliveryIDs: [DeliveryID]) {
        self.event = event
        self.deliveryIDs = deliveryIDs
    }
}

/// What a commit appended: the new head, and when the log knows them, the types of its events.
public struct CommitNotice: Sendable, Equatable {
    public let head: LogPosition
    /// Every type the commit appended, perhaps more; nil when the log doesn't say.
    public let eventTypes: Set<String>?

    public init(head: LogPosition, eventTypes: Set<String>?) {
        self.head = head
        self.eventTypes = eventTypes
    }
}

/// How far a view has applied the log.
public struct Checkpoint: Sendable, Equatable {
    public let name: String
    public let position: LogPosition

    public init(name: String, position: LogPosition) {
        self.name = name
        self.position = position
    }
}

/// Which backend keeps the log, and where, with any credential masked.
public struct StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// "sqlite", "memory".
    public let kind: String
    /// A path, or a URL without its password.
    public let address: String

    public init(kind: String, address: String) {
        self.kind = kind
        self.address = address
    }

    public var description: String { "\(kind):\(address)" }
}

/// A subscription to commit notices; `cancel` ends it.
public final class LogSubscription: Sendable {
    private let cancelAction: @Sendable () -> Void
    public init(_ cancel: @escaping @Sendable () -> Void) { cancelAction = cancel }
    public func cancel() { cancelAction() }
}

/// The wall clock, as the log records times: milliseconds since the Unix epoch.
public enum SystemClock {
    public static let milliseconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// A unit of work whose reads are those of the views it holds: each implementation gives its
/// views, and overrides only a read it answers otherwise.
package protocol UnitOfWorkReadingViews: UnitOfWork {
    associatedtype Views: ViewReader
    var views: Views { get }
}

extension UnitOfWorkReadingViews {
    package func integration(_ id: IntegrationID) throws -> Integration? { try views.integration(id) }
    package func integration(projectID: String, url: String) throws -> Integration? { try views.integration(projectID: projectID, url: url) }
    package func integrations(ofProject projectID: String) throws -> [Integration] { try views.integrations(ofProject: projectID) }
    package func delivery(_ id: DeliveryID) throws -> Delivery? { try views.delivery(id) }
    package func openDeliveries(of integrationID: IntegrationID) throws -> [Delivery] { try views.openDeliveries(of: integrationID) }
    package func allOpenDeliveries() throws -> [Delivery] { try views.allOpenDeliveries() }
    package func deliveries(matching filter: DeliveryFilter, limit: Int) throws -> [Delivery] {
        try views.deliveries(matching: filter, limit: limit)
    }
    package func attempts(of id: DeliveryID) throws -> [DeliveryEvent.Attempt] { try views.attempts(of: id) }
    package func publication(_ eventID: String) throws -> PublicationRecord? { try views.publication(eventID) }
}
