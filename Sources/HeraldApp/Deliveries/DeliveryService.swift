import Foundation
import HeraldCore
import HeraldStore

/// Publishing events, and everything about deliveries: validation on the caller's thread, then the
/// decider inside the log's unit of work.
public struct DeliveryService: Sendable {
    let store: any EventLog
    let decider: DeliveryDecider
    /// The most bytes of data one published event may carry.
    public let maximumEventBytes: Int
    /// Where each retry falls within the policy's jitter, in [0, 1]; tests fix it.
    let jitter: @Sendable () -> Double

    public init(
        store: any EventLog, decider: DeliveryDecider, maximumEventBytes: Int = PublishedEvent.defaultDataLimit,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.store = store
        self.decider = decider
        self.maximumEventBytes = maximumEventBytes
        self.jitter = jitter
    }

    /// An event as the application publishes it, before validation: every field as given.
    public struct Publish: Sendable {
        public var eventID: String
        public var projectID: String
        public var projectName: String
        public var eventType: String
        public var timestamp: String
        public var dataJSON: String

        public init(
            eventID: String = "", projectID: String, projectName: String = "", eventType: String,
            timestamp: String = "", dataJSON: String
        ) {
            self.eventID = eventID
            self.projectID = projectID
            self.projectName = projectName
            self.eventType = eventType
            self.timestamp = timestamp
            self.dataJSON = dataJSON
        }
    }

    public struct Published: Sendable {
        public let publication: Publication
        public let deliveries: [Delivery]
        public let duplicate: Bool
    }

    /// Appends the event and its fan-out in one unit of work. Publishing the same event id again
    /// returns the first result; reusing it for different content is an error.
    public func publish(
        _ request: Publish, deadline: ContinuousClock.Instant?,
        _ completion: @escaping @Sendable (Result<Published, any Error>) -> Void
    ) {
        let now = Date()
        let event: PublishedEvent
        do {
            event = try PublishedEvent.validate(
                eventID: request.eventID, projectID: request.projectID, projectName: request.projectName,
                eventType: request.eventType, timestamp: request.timestamp, dataJSON: request.dataJSON,
                dataLimit: maximumEventBytes,
                newID: {
                    var generator = SystemRandomNumberGenerator()
                    return TimeOrderedID.make(prefix: "evt_", now: UInt64(now.timeIntervalSince1970 * 1000), using: &generator)
                },
                now: now)
        } catch {
            return completion(.failure(error))
        }
        let timestampGiven = !request.timestamp.isEmpty
        store.write(
            deadline: deadline,
            { [decider] unit in
                if let existing = try unit.publication(event.eventID) {
                    guard existing.event.isRepeated(by: event, timestampGiven: timestampGiven) else {
                        throw DomainError.alreadyExists("event \(event.eventID) was already published with different content")
                    }
                    let deliveries = try existing.deliveryIDs.compactMap { try unit.delivery($0) }
                    let targets = deliveries.map { Publication.Target(deliveryID: $0.id, integrationID: $0.integrationID) }
                    return Published(
                        publication: Publication(event: existing.event, targets: targets), deliveries: deliveries,
                        duplicate: true)
                }
                var generator = SplitMix64()
                let publication = decider.fanOut(event, to: try unit.integrations(ofProject: event.projectID)) {
                    DeliveryID.random(using: &generator, now: UInt64(unit.now))
                }
                let recorded = try unit.append(publication)
                return Published(
                    publication: publication, deliveries: publication.deliveries(recordedAt: recorded.recordedAt),
                    duplicate: false)
            }, completion: completion)
    }

    /// A delivery and its attempts.
    public struct Shown: Sendable {
        public let delivery: Delivery
        public let attempts: [DeliveryEvent.Attempt]
    }

    /// A manual resend of an exhausted or cancelled delivery, as a new attempt series.
    public func retry(
        _ id: DeliveryID, deadline: ContinuousClock.Instant?,
        _ completion: @escaping @Sendable (Result<Shown, any Error>) -> Void
    ) {
        store.write(
            deadline: deadline,
            { [decider] unit in
                guard let delivery = try unit.delivery(id) else { throw DomainError.notFound("no delivery \(id)") }
                let after = try Self.append(try decider.retry(delivery, now: unit.now), to: delivery, in: unit)
                return Shown(delivery: after, attempts: try unit.attempts(of: id))
            }, completion: completion)
    }

    /// One attempt's outcome, to record.
    public struct Outcome: Sendable {
        public let id: DeliveryID
        public let result: AttemptResult
        public let startedAt: Int64

        public init(id: DeliveryID, result: AttemptResult, startedAt: Int64) {
            self.id = id
            self.result = result
            self.startedAt = startedAt
        }
    }

    /// Records attempts' outcomes, and so schedules each delivery's next attempt or ends it. They
    /// are recorded together, in one unit of work: all of them or, if it fails, none.
    public func recordAttempts(_ outcomes: [Outcome], _ completion: @escaping @Sendable (Result<[Delivery], any Error>) -> Void) {
        let samples = outcomes.map { _ in jitter() }
        store.write(
            deadline: nil,
            { [decider] unit in
                try zip(outcomes, samples).compactMap { outcome, sample in
                    guard let delivery = try unit.delivery(outcome.id) else { return nil }
                    let events = decider.recordAttempt(outcome.result, startedAt: outcome.startedAt, on: delivery, sample: sample)
                    return try Self.append(events, to: delivery, in: unit)
                }
            }, completion: completion)
    }

    /// A listing's filter from what a caller typed; an empty string is no condition.
    public static func filter(integrationID: String, status: String, eventType: String) throws(DomainError) -> DeliveryFilter {
        var filter = DeliveryFilter(integrationID: integrationID.isEmpty ? nil : IntegrationID(integrationID))
        if !status.isEmpty {
            guard let known = DeliveryStatus(rawValue: status) else {
                throw .invalidArgument("unknown status '\(status)'; one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = known
        }
        if !eventType.isEmpty {
            guard let known = EventType(rawValue: eventType) else { throw .invalidArgument("unknown event type '\(eventType)'") }
            filter.eventType = known
        }
        return filter
    }

    /// The most deliveries one listing returns.
    public static let listLimit = 10_000
    public static let defaultListLimit = 100

    /// Newest first; `limit` nil or 0 means the default, and more than `listLimit` means that many.
    public func list(_ filter: DeliveryFilter, limit: Int?) async throws -> [Delivery] {
        let limit = min(limit.flatMap { $0 > 0 ? $0 : nil } ?? Self.defaultListLimit, Self.listLimit)
        return try await store.read { try $0.deliveries(matching: filter, limit: limit) }
    }

    public func show(_ id: DeliveryID) async throws -> Shown {
        let found = try await store.read { views in (try views.delivery(id), try views.attempts(of: id)) }
        guard let delivery = found.0 else { throw DomainError.notFound("no delivery \(id)") }
        return Shown(delivery: delivery, attempts: found.1)
    }

    /// Appends a delivery's new events; returns the delivery as they leave it.
    private static func append(_ events: [DeliveryEvent], to delivery: Delivery, in unit: any UnitOfWork) throws -> Delivery {
        guard !events.isEmpty else { return delivery }
        let recorded = try unit.append(events, to: delivery.id, expectedVersion: delivery.version)
        return zip(events, recorded).reduce(delivery) { Delivery.evolve($0, $1.0, recordedAt: $1.1.recordedAt) }
    }
}
