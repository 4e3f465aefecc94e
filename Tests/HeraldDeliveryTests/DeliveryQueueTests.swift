import Foundation
import HeraldCore
import Testing

@testable import HeraldDelivery

@Suite struct DeliveryQueueTests {
    func delivery(_ id: String, integration: String, due: Int64) -> Delivery {
        Delivery(
            id: DeliveryID(id), eventID: "e", integrationID: IntegrationID(integration), projectID: "P",
            eventType: .testCaseCreated, status: .pending, attemptCount: 0, seriesAttempts: 0, nextAttemptAt: due,
            createdAt: 0, updatedAt: 0, lastHTTPStatus: 0, lastError: "", version: 1)
    }

    @Test func takesOnlyWhatIsDueOldestFirst() {
        var queue = DeliveryQueue(pacing: .unpaced, limit: 10)
        queue.add(delivery("b", integration: "i", due: 20), platform: .custom)
        queue.add(delivery("a", integration: "i", due: 10), platform: .custom)
        queue.add(delivery("c", integration: "i", due: 99), platform: .custom)
        #expect(queue.takeDue(now: 50).map(\.id.rawValue) == ["a", "b"])
        #expect(queue.nextWake(now: 50) == 99)
    }

    @Test func pacesEachIntegrationByItsPlatform() {
        var queue = DeliveryQueue(pacing: .standard, limit: 10)
        for n in 0..<3 { queue.add(delivery("s\(n)", integration: "slack", due: 0), platform: .slack) }
        queue.add(delivery("t0", integration: "teams", due: 0), platform: .teams)
        let first = queue.takeDue(now: 1_000)
        #expect(Set(first.map(\.id.rawValue)) == ["s0", "t0"], "one Slack message at a time, and another webhook goes ahead")
        queue.finish(DeliveryID("s0"), integration: IntegrationID("slack"), now: 1_010)
        #expect(queue.takeDue(now: 1_500).isEmpty, "Slack's 1 per second holds the next one back")
        #expect(queue.nextWake(now: 1_500) == 2_000)
        #expect(queue.takeDue(now: 2_000).map(\.id.rawValue) == ["s1"])
    }

    @Test func aSlowEndpointHoldsUpOnlyItself() {
        var queue = DeliveryQueue(pacing: .standard, limit: 10)
        queue.add(delivery("a-slow", integration: "dead", due: 0), platform: .slack)
        queue.add(delivery("b-next", integration: "dead", due: 0), platform: .slack)
        queue.add(delivery("other", integration: "alive", due: 0), platform: .slack)
        #expect(Set(queue.takeDue(now: 0).map(\.id.rawValue)) == ["a-slow", "other"])
        // "a-slow" is still in flight much later; "b-next" waits for it, nothing else does.
        queue.add(delivery("more", integration: "alive", due: 5_000), platform: .slack)
        queue.finish(DeliveryID("other"), integration: IntegrationID("alive"), now: 100)
        #expect(queue.takeDue(now: 5_000).map(\.id.rawValue) == ["more"])
    }

    @Test func respectsTheGlobalLimitAndRateLimitPauses() {
        var queue = DeliveryQueue(pacing: .unpaced, limit: 2)
        for n in 0..<5 { queue.add(delivery("d\(n)", integration: "i\(n)", due: 0), platform: .custom) }
        #expect(queue.takeDue(now: 0).count == 2)
        #expect(queue.nextWake(now: 0) == nil, "nothing can start until an attempt finishes")
        queue.finish(DeliveryID("d0"), integration: IntegrationID("i0"), now: 10, pause: .seconds(30))
        queue.add(delivery("again", integration: "i0", due: 10), platform: .custom)
        let next = queue.takeDue(now: 10)
        #expect(next.count == 1 && next[0].id.rawValue != "again", "i0 asked for 30 s of quiet")
    }

    @Test func cancelledEntriesLeaveTheQueue() {
        var queue = DeliveryQueue(pacing: .unpaced, limit: 2)
        queue.add(delivery("x", integration: "i", due: 0), platform: .custom)
        queue.remove(DeliveryID("x"))
        #expect(queue.takeDue(now: 0).isEmpty)
        #expect(queue.count == 0)
    }
}
