import Foundation
import HeraldApp
import HeraldCore
import HeraldStore
import HeraldWire
import Logging
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing

@testable import HeraldDelivery

@Suite struct AttemptRecorderTests {
    @Test func recordsEveryOutcomeInFewerWritesThanOutcomes() async throws {
        // 50 integrations of one project, and one event fanned out to all of them.
        try await withStore(integrations: 50) { store, _ in
            let commands = DeliveryService(store: store, decider: DeliveryDecider())
            let published = try await withCheckedThrowingContinuation { continuation in
                commands.publish(
                    .init(projectID: "P", eventType: "test_case.created", dataJSON: #"{"id":"1","title":"t"}"#),
                    deadline: nil
                ) { continuation.resume(with: $0) }
            }
            #expect(published.deliveries.count == 50)

            let seen = Mutex<[Delivery]>([])
            let recorder = AttemptRecorder(
                deliveries: commands, logger: Logger(label: "test"),
                eventLoop: MultiThreadedEventLoopGroup.singleton.next()
            ) { recorded in
                seen.withLock { $0 += recorded }
            }
            let writesBefore = store.commitStatistics.writes
            for (n, delivery) in published.deliveries.enumerated() {
                let result =
                    n.isMultiple(of: 2)
                    ? AttemptResult(httpStatus: 200, duration: .milliseconds(3))
                    : AttemptResult(httpStatus: 503, duration: .milliseconds(3))
                recorder.record(.init(id: delivery.id, result: result, startedAt: 1_000))
            }
            await recorder.waitUntilIdle()

            let recorded = seen.withLock { $0 }
            #expect(Set(recorded.map(\.id)) == Set(published.deliveries.map(\.id)))
            #expect(store.commitStatistics.writes - writesBefore < 50)
            for delivery in published.deliveries.enumerated() {
                let stored = try #require(try await store.read { try $0.delivery(delivery.element.id) })
                #expect(stored.attemptCount == 1)
                #expect(stored.status == (delivery.offset.isMultiple(of: 2) ? .delivered : .failed))
            }
        }
    }
}
