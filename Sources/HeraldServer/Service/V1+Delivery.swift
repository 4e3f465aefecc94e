import HeraldCore
import HeraldWire

extension V1.Delivery {
    init(_ delivery: Delivery, attempts: [DeliveryEvent.Attempt] = []) {
        self.init(
            id: delivery.id.rawValue, eventId: delivery.eventID, integrationId: delivery.integrationID.rawValue,
            projectId: delivery.projectID, eventType: delivery.eventType.rawValue, status: delivery.status.rawValue,
            attemptCount: delivery.attemptCount, nextAttemptAtUnixMs: delivery.nextAttemptAt ?? 0,
            createdAtUnixMs: delivery.createdAt, updatedAtUnixMs: delivery.updatedAt, lastHttpStatus: delivery.lastHTTPStatus,
            lastError: delivery.lastError, attempts: attempts.map(V1.DeliveryAttempt.init))
    }
}

extension V1.DeliveryAttempt {
    init(_ attempt: DeliveryEvent.Attempt) {
        self.init(
            number: attempt.number, startedAtUnixMs: attempt.startedAt, durationMs: attempt.durationMilliseconds,
            httpStatus: attempt.httpStatus, error: attempt.error, responseSnippet: attempt.responseSnippet,
            location: attempt.location, outcome: attempt.outcome.rawValue)
    }
}
