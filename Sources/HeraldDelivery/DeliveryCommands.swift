import Foundation
import HeraldCore
import HeraldStore
import HeraldWire

/// Publishing events and changing deliveries: validation on the caller's thread, then the decider
/// inside the writer's transaction.
public struct DeliveryCommands: Sendable {
    let store: any EventLog
    let decider: DeliveryDecider
    /// The most bytes of data one published event may carry.
    public let maximumEventBytes: Int

    public init(store: any EventLog, decider: DeliveryDecider, maximumEventBytes: Int = PublishedEvent.defaultDataLimit) {
        self.store = store
        self.decider = decider
        self.maximumEventBytes = maximumEventBytes
    }

    public struct Published: Sendable {
        public let publication: Publication
        public let deliveries: [Delivery]
        public let duplicate: Bool
    }

    /// Appends the event and its fan-out in one transaction. Publishing the same event id again
    /// returns the first result; reusing it for different content is an error.
    public func publish(_ request: V1.PublishEventRequest, deadline: ContinuousClock.Instant?,
                        _ completion: @escaping @Sendable (Result<Published, any Error>) -> Void) {
        let now = Date()
        let event: PublishedEvent
        do {
            event = try PublishedEvent.validate(
                eventID: request.eventId, projectID: request.projectId, projectName: request.projectName,
                eventType: request.eventType, timestamp: request.timestamp, dataJSON: request.dataJson,
                dataLimit: maximumEventBytes, newID: {
                    var generator = SystemRandomNumberGenerator()
                    return TimeOrderedID.make(prefix: "evt_", now: UInt64(now.timeIntervalSince1970 * 1000), using: &generator)
                },
                now: now)
        } catch {
            return completion(.failure(error))
        }
        let timestampGiven = !request.timestamp.isEmpty
        store.write(deadline: deadline, { [decider] transaction in
            if let existing = try transaction.publication(event.eventID) {
                guard existing.event.isRepeated(by: event, timestampGiven: timestampGiven) else {
                    throw DomainError.alreadyExists("event \(event.eventID) was already published with different content")
                }
                let deliveries = try existing.deliveryIDs.compactMap { try transaction.delivery($0) }
                let targets = deliveries.map { Publication.Target(deliveryID: $0.id, integrationID: $0.integrationID) }
                return Published(publication: Publication(event: existing.event, targets: targets), deliveries: deliveries,
                                 duplicate: true)
            }
            var generator = SplitMix64()
            let publication = decider.fanOut(event, to: try transaction.integrations(ofProject: event.projectID)) {
                DeliveryID.random(using: &generator, now: UInt64(transaction.now))
            }
            let stored = StoredEvent.encode(publication)
            let appended = try transaction.append(to: Publication.stream(event.eventID), expectedVersion: 0,
                                                  [NewEvent(type: stored.type, payload: stored.payload)])
            let deliveries = publication.deliveries(recordedAt: appended[0].recordedAt)
            return Published(publication: publication, deliveries: deliveries, duplicate: false)
        }, completion: completion)
    }

    /// A manual resend of an exhausted or cancelled delivery, as a new attempt series.
    public func retry(_ id: DeliveryID, deadline: ContinuousClock.Instant?,
                      _ completion: @escaping @Sendable (Result<Delivery, any Error>) -> Void) {
        change(id, deadline: deadline, completion) { [decider] delivery, now in try decider.retry(delivery, now: now) }
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
    /// are recorded together, in one write: all of them or, if the write fails, none.
    public func recordAttempts(_ outcomes: [Outcome], _ completion: @escaping @Sendable (Result<[Delivery], any Error>) -> Void) {
        store.write(deadline: nil, { [decider] transaction in
            try outcomes.compactMap { outcome in
                guard let delivery = try transaction.delivery(outcome.id) else { return nil }
                let events = decider.recordAttempt(outcome.result, startedAt: outcome.startedAt, on: delivery)
                return try Self.append(events, to: delivery, in: transaction)
            }
        }, completion: completion)
    }

    private func change(_ id: DeliveryID, deadline: ContinuousClock.Instant?,
                        _ completion: @escaping @Sendable (Result<Delivery, any Error>) -> Void,
                        decide: @escaping @Sendable (Delivery, Int64) throws -> [DeliveryEvent]) {
        store.write(deadline: deadline, { transaction in
            guard let delivery = try transaction.delivery(id) else {
                throw DomainError.notFound("no delivery \(id)")
            }
            return try Self.append(try decide(delivery, transaction.now), to: delivery, in: transaction)
        }, completion: completion)
    }

    /// Appends a delivery's new events; returns the delivery as they leave it.
    private static func append(_ events: [DeliveryEvent], to delivery: Delivery, in transaction: any UnitOfWork) throws -> Delivery {
        guard !events.isEmpty else { return delivery }
        let recorded = try transaction.append(to: delivery.id.stream, expectedVersion: delivery.version, events.map {
            let stored = StoredEvent.encode($0)
            return NewEvent(type: stored.type, payload: stored.payload)
        })
        return zip(events, recorded).reduce(delivery) { Delivery.evolve($0, $1.0, recordedAt: $1.1.recordedAt) }
    }
}
