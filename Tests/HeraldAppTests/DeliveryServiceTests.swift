import Foundation
import HeraldApp
import HeraldCore
import HeraldSQLite
import HeraldStore
import HeraldWire
import Synchronization
import TestSupport
import Testing

@Suite struct DeliveryServiceTests {
    /// Fan-out reads integrations from memory, which holds the last commit: a publish that shares
    /// its transaction with a reset before it must still see the reset.
    @Test func fanOutSeesAnIntegrationChangedEarlierInTheSameTransaction() async throws {
        try await withStore(integrations: 1) { store, ids in
            let id = ids[0]
            #expect(store.integrations.integrations(ofProject: "P").count == 1)

            // A write that holds the writer until the reset and the publish have queued up behind
            // it, so that those two go in one transaction together.
            let commands = DeliveryService(store: store, decider: DeliveryDecider())
            let published = Mutex<[Int]>([])
            let transactionsBefore = store.commitStatistics.transactions
            let (holding, release) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                store.write(
                    deadline: nil,
                    { _ in
                        holding.signal()
                        _ = release.wait(timeout: .now() + 10)
                    }, completion: { _ in })
                _ = holding.wait(timeout: .now() + 10)
                store.write(
                    deadline: nil,
                    { transaction in
                        let reset = StoredEvent.encode(IntegrationEvent.reset)
                        try transaction.append(to: id.stream, expectedVersion: 1, [NewEvent(reset)])
                    }, completion: { _ in })
                commands.publish(
                    .init(projectID: "P", eventType: "test_case.created", dataJSON: #"{"id":"1","title":"t"}"#),
                    deadline: nil
                ) { result in
                    published.withLock { $0.append((try? result.get())?.deliveries.count ?? -1) }
                    done.resume()
                }
                // Both are queued: `write` and `publish` enqueue before they return.
                release.signal()
            }
            #expect(store.commitStatistics.transactions - transactionsBefore == 2, "the reset and the publish shared a transaction")
            #expect(published.withLock { $0 } == [0], "a reset integration gets no delivery")
        }
    }
}
