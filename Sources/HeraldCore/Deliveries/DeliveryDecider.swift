/// The delivery rules as pure functions.
public struct DeliveryDecider: Sendable {
    public var policy: RetryPolicy

    public init(policy: RetryPolicy = .standard) {
        self.policy = policy
    }

    /// Fan-out at publish time: one delivery for each integration of the event's project that is
    /// connected and subscribed to the event's type.
    public func fanOut(_ event: PublishedEvent, to integrations: [Integration], newID: () -> DeliveryID) -> Publication {
        Publication(
            event: event,
            targets:
                integrations
                .filter { $0.projectID == event.projectID && $0.status == .connected && $0.events.contains(event.type) }
                .map { .init(deliveryID: newID(), integrationID: $0.id) })
    }

    /// Records how an attempt went, and so whether and when the next one comes; `sample` places the
    /// retry within the policy's jitter (see `RetryPolicy.outcome`).
    public func recordAttempt(_ result: AttemptResult, startedAt: Int64, on delivery: Delivery, sample: Double = 0.5) -> [DeliveryEvent] {
        let finishedAt = startedAt + result.duration.milliseconds
        let number = delivery.attemptCount + 1
        var (outcome, next) = policy.outcome(of: result, seriesAttempt: delivery.seriesAttempts + 1, finishedAt: finishedAt, sample: sample)
        if !delivery.status.isOpen {
            // Cancelled while the attempt was in flight: keep the record, not the consequence.
            (outcome, next) = (.cancelled, 0)
        }
        let status = result.httpStatus ?? 0
        return [
            .attempted(
                .init(
                    number: number, startedAt: startedAt, durationMilliseconds: UInt32(clamping: result.duration.milliseconds),
                    httpStatus: status, error: result.error, responseSnippet: result.responseSnippet, location: result.location,
                    outcome: outcome, nextAttemptAt: next))
        ]
    }

    /// Cancels a delivery that still has an attempt to come; anything else stays as it is.
    public func cancel(_ delivery: Delivery, reason: String) -> [DeliveryEvent] {
        delivery.status.isOpen ? [.cancelled(reason: reason)] : []
    }

    /// A manual resend: only of a delivery that will not be tried again by itself.
    public func retry(_ delivery: Delivery, now: Int64) throws(DomainError) -> [DeliveryEvent] {
        switch delivery.status {
        case .exhausted, .cancelled:
            return [.retryRequested(dueAt: now)]
        case .pending, .failed:
            throw .failedPrecondition("delivery \(delivery.id) is \(delivery.status.rawValue) and will be tried again by itself")
        case .delivered:
            throw .failedPrecondition("delivery \(delivery.id) was delivered")
        }
    }

    /// Which open deliveries an integration change cancels: all of them on reset, and those of
    /// event types no longer subscribed on an edit.
    public func cancellations(after change: IntegrationEvent, of integration: Integration, open: [Delivery]) -> [(Delivery, String)] {
        switch change {
        case .reset:
            return open.map { ($0, "integration reset") }
        case .edited(let edit):
            guard let events = edit.events else { return [] }
            return open.filter { !events.contains($0.eventType) }.map { ($0, "event type no longer subscribed") }
        case .connected, .reconnected, .secretRotated:
            return []
        }
    }
}
