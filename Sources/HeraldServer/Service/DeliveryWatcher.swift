import HeraldCore
import HeraldStore
import HeraldWire
import NIOCore

/// Serves WatchDeliveries: after each commit, the new state of every delivery it changed.
struct DeliveryWatcher: Sendable {
    let store: EventStore
    let call: ServerCall
    let integrationID: String?
    let tracker: CallTracker

    func start() {
        let (commits, continuation) = AsyncStream.makeStream(of: LogPosition.self, bufferingPolicy: .bufferingNewest(1))
        // Subscribe, then take the head, before this call returns: a reply to any later call on the
        // connection means the watch already sees what that call commits.
        let subscription = store.subscribe { continuation.yield($0) }
        let start = (try? store.head()) ?? 0
        let task = Task {
            defer { subscription.cancel() }
            do {
                var cursor = start
                for await head in commits {
                    while cursor < head {
                        let page = try store.events(from: cursor + 1, limit: 1_000)
                        guard let last = page.last else { break }
                        var written: EventLoopFuture<Void>?
                        for event in page where event.stream.hasPrefix("delivery-") {
                            let id = DeliveryID(String(event.stream.dropFirst("delivery-".count)))
                            guard let delivery = try store.read({ try DeliveriesView.delivery(id, in: $0) }),
                                  integrationID == nil || delivery.integrationID.rawValue == integrationID
                            else { continue }
                            written = call.stream(V1.Delivery(delivery))
                        }
                        try await written?.get()
                        cursor = last.position
                    }
                }
            } catch {
                // The call ended; nothing left to tell.
            }
        }
        let forget = tracker.whenDraining { [call] in call.fail(RPCError(.unavailable, "heraldd is shutting down")) }
        call.onCancel {
            forget()
            task.cancel()
            continuation.finish()
        }
    }
}
