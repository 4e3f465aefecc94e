import HeraldCore
import HeraldStore
import HeraldWire
import NIOCore

/// Serves WatchDeliveries: after each commit, the new state of every delivery it changed (new ones
/// as pending; others as the view has them by then, which may already be a later state).
struct DeliveryWatcher: Sendable {
    let store: EventStore
    let call: ServerCall
    let integrationID: String?
    let tracker: CallTracker

    func start() {
        call.followCommits(store: store, tracker: tracker) { [store, call, integrationID] commits, start in
            var cursor = start
            for await head in commits {
                while cursor < head {
                    let page = try store.events(from: cursor + 1, limit: 1_000)
                    guard let last = page.last else { break }
                    var written: EventLoopFuture<Void>?
                    for event in page {
                        if let publication = try? StoredEvent.decodePublication(type: event.type, payload: event.payload) {
                            // New deliveries as the fan-out made them: pending, however soon they are attempted.
                            for delivery in publication.deliveries(recordedAt: event.recordedAt)
                            where integrationID == nil || delivery.integrationID.rawValue == integrationID {
                                written = call.stream(V1.Delivery(delivery))
                            }
                            continue
                        }
                        guard event.stream.hasPrefix("delivery-") else { continue }
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
        }
    }
}
