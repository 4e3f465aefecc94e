import Testing

@testable import HeraldCore

@Suite struct DeliveryDeciderTests {
    let decider = DeliveryDecider()

    func delivery(status: DeliveryStatus = .pending, attempts: UInt32 = 0, series: UInt32 = 0) -> Delivery {
        Delivery(
            id: DeliveryID("dlv_1"), eventID: "e", integrationID: IntegrationID("int_1"), projectID: "P",
            eventType: .testCaseCreated, status: status, attemptCount: attempts, seriesAttempts: series,
            nextAttemptAt: 0, createdAt: 0, updatedAt: 0, lastHTTPStatus: 0, lastError: "", version: 1)
    }

    func integration(
        _ id: String, project: String = "P", status: Integration.Status = .connected,
        events: [EventType] = [.testCaseCreated]
    ) -> Integration {
        Integration(
            id: IntegrationID(id), projectID: project, platform: .custom, name: id, url: "https://x.test/\(id)",
            events: events, status: status, createdAt: 0, updatedAt: 0, version: 1)
    }

    @Test func fanOutPicksConnectedSubscribedIntegrationsOfTheProject() {
        let event = PublishedEvent(
            eventID: "e", projectID: "P", projectName: "P", type: .testCaseCreated,
            timestamp: "2026-01-01T00:00:00Z", dataJSON: #"{"id":"1","title":"t"}"#)
        var n = 0
        let publication = decider.fanOut(
            event,
            to: [
                integration("a"), integration("b", project: "Q"), integration("c", status: .reset),
                integration("d", events: [.testPlanCreated]), integration("e", events: [.testPlanCreated, .testCaseCreated]),
            ]
        ) {
            n += 1
            return DeliveryID("d\(n)")
        }
        #expect(publication.targets.map(\.integrationID.rawValue) == ["a", "e"])
        #expect(publication.deliveryIDs == [DeliveryID("d1"), DeliveryID("d2")])
        let deliveries = publication.deliveries(recordedAt: 5)
        #expect(
            deliveries.allSatisfy {
                $0.status == .pending && $0.nextAttemptAt == 5 && $0.createdAt == 5 && $0.eventID == "e" && $0.version == 0
            })
    }

    @Test func theScheduleRunsFiveRetriesThenExhausts() {
        var state = delivery()
        var waits: [Int64] = []
        var clock: Int64 = 1_000
        for _ in 1...6 {
            let events = decider.recordAttempt(AttemptResult(httpStatus: 500, duration: .milliseconds(10)), startedAt: clock, on: state)
            state = events.reduce(state) { Delivery.evolve($0, $1, recordedAt: clock) }
            if let next = state.nextAttemptAt {
                waits.append(next - clock - 10)
                clock = next
            }
        }
        #expect(waits == [60_000, 300_000, 1_800_000, 7_200_000, 28_800_000])
        #expect(state.status == .exhausted)
        #expect(state.attemptCount == 6)
    }

    @Test func outcomesByStatus() {
        let policy = RetryPolicy.standard
        #expect(policy.outcome(of: .init(httpStatus: 204, duration: .zero), seriesAttempt: 1, finishedAt: 0).0 == .delivered)
        #expect(policy.outcome(of: .init(httpStatus: nil, error: "timeout", duration: .zero), seriesAttempt: 1, finishedAt: 0).0 == .failed)
        #expect(policy.outcome(of: .init(httpStatus: 503, duration: .zero), seriesAttempt: 5, finishedAt: 0).0 == .failed)
        #expect(policy.outcome(of: .init(httpStatus: 503, duration: .zero), seriesAttempt: 6, finishedAt: 0).0 == .exhausted)
        #expect(policy.outcome(of: .init(httpStatus: 301, location: "https://x", duration: .zero), seriesAttempt: 1, finishedAt: 0).0 == .exhausted)
        #expect(policy.outcome(of: .init(httpStatus: 404, duration: .zero), seriesAttempt: 1, finishedAt: 0).0 == .exhausted)
    }

    @Test func retryAfterWinsWhenLaterAndIsCapped() {
        let policy = RetryPolicy.standard
        let later = policy.outcome(of: .init(httpStatus: 429, retryAfter: .seconds(120), duration: .zero), seriesAttempt: 1, finishedAt: 0)
        #expect(later == (.failed, 120_000))
        let sooner = policy.outcome(of: .init(httpStatus: 429, retryAfter: .seconds(5), duration: .zero), seriesAttempt: 1, finishedAt: 0)
        #expect(sooner == (.failed, 60_000))
        let hostile = policy.outcome(of: .init(httpStatus: 429, retryAfter: .seconds(9_999_999), duration: .zero), seriesAttempt: 1, finishedAt: 0)
        #expect(hostile == (.failed, 86_400_000))
    }

    @Test func cancelAndRetry() throws {
        #expect(decider.cancel(delivery(status: .failed), reason: "r") == [.cancelled(reason: "r")])
        #expect(decider.cancel(delivery(status: .delivered), reason: "r").isEmpty)
        #expect(try decider.retry(delivery(status: .exhausted, attempts: 6, series: 6), now: 9) == [.retryRequested(dueAt: 9)])
        #expect(throws: DomainError.self) { try decider.retry(delivery(status: .pending), now: 9) }
        let retried = Delivery.evolve(delivery(status: .exhausted, attempts: 6, series: 6), .retryRequested(dueAt: 9), recordedAt: 9)
        #expect(retried.status == .pending && retried.seriesAttempts == 0 && retried.attemptCount == 6)
    }

    @Test func anAttemptThatLandsAfterCancellationKeepsItCancelled() {
        let cancelled = delivery(status: .cancelled)
        let events = decider.recordAttempt(AttemptResult(httpStatus: 200, duration: .zero), startedAt: 0, on: cancelled)
        guard case .attempted(let attempt) = events.first else {
            Issue.record("no attempt recorded")
            return
        }
        #expect(attempt.outcome == .cancelled)
        #expect(Delivery.evolve(cancelled, events[0], recordedAt: 1).status == .cancelled)
    }

    @Test func schedulesParse() throws {
        #expect(try RetryPolicy.parseSchedule("1m,5m,30m,2h,8h") == RetryPolicy.standard.schedule)
        #expect(try RetryPolicy.parseSchedule("10ms, 1s") == [.milliseconds(10), .seconds(1)])
        #expect(throws: DomainError.self) { try RetryPolicy.parseSchedule("1x") }
        #expect(throws: DomainError.self) { try RetryPolicy.parseSchedule("") }
        // Past Int64 milliseconds, or past ten years: refused, not trapped on.
        #expect(throws: DomainError.self) { try RetryPolicy.parseSchedule("9223372036854775807h") }
        #expect(throws: DomainError.self) { try RetryPolicy.parseDuration("100000h") }
    }

    @Test func millisecondsSaturate() {
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.min).milliseconds == .min)
        #expect(Duration.milliseconds(1500).milliseconds == 1500)
    }
}

@Suite struct RetryJitterTests {
    let failed = AttemptResult(httpStatus: 503, duration: .zero)

    @Test func theSampleMovesTheWaitByUpToTenPercentEitherWay() {
        let policy = RetryPolicy.standard
        #expect(policy.outcome(of: failed, seriesAttempt: 1, finishedAt: 0, sample: 0).nextAttemptAt == 54_000)
        #expect(policy.outcome(of: failed, seriesAttempt: 1, finishedAt: 0, sample: 0.5).nextAttemptAt == 60_000)
        #expect(policy.outcome(of: failed, seriesAttempt: 1, finishedAt: 0, sample: 1).nextAttemptAt == 66_000)
        #expect(policy.outcome(of: failed, seriesAttempt: 5, finishedAt: 1_000, sample: 0.75).nextAttemptAt == 1_000 + 30_240_000)
        // Out of range, it is clamped: never more than the jitter.
        #expect(policy.outcome(of: failed, seriesAttempt: 1, finishedAt: 0, sample: 7).nextAttemptAt == 66_000)
    }

    @Test func aRetryAfterIsNeverCutShortByIt() {
        let asked = AttemptResult(httpStatus: 429, retryAfter: .seconds(60), duration: .zero)
        #expect(RetryPolicy.standard.outcome(of: asked, seriesAttempt: 1, finishedAt: 0, sample: 0).nextAttemptAt == 60_000)
    }

    /// A burst of failures spreads out: with samples from a seeded source, a hundred deliveries
    /// failed at the same instant come back at many different times, all within ±10%.
    @Test func failuresAtOneInstantComeBackSpreadOut() {
        var random = SplitMix64(seed: 42)
        let times = (0..<100).map { _ in
            RetryPolicy.standard.outcome(
                of: failed, seriesAttempt: 2, finishedAt: 0,
                sample: Double(random.next() >> 11) / Double(1 << 53)
            ).nextAttemptAt
        }
        #expect(times.allSatisfy { (270_000...330_000).contains($0) })
        #expect(Set(times).count > 90)
        #expect(times.min()! < 280_000 && times.max()! > 320_000)
    }
}
