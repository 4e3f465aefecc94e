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
        call.followCommits(store: store, tracker: tracker) { [store, call, integrationID] commits, start in
            var cursor = start
            for await head in commits {
                while cursor < head {
                    let page = try store.events(from: cursor + 1, limit: 1_000)
                    guard let last = page.last else { break }
                    var written: EventLoopFuture<Void>?
                    for event in page {
                        // A publication makes its deliveries; a delivery's stream holds the rest.
                        let changed: [DeliveryID] = if event.stream.hasPrefix("delivery-") {
                            [DeliveryID(String(event.stream.dropFirst("delivery-".count)))]
                        } else if let publication = try? StoredEvent.decodePublication(type: event.type, payload: event.payload) {
                            publication.targets.filter { integrationID == nil || $0.integrationID.rawValue == integrationID }
                                .map(\.deliveryID)
                        } else {
                            []
                        }
                        for id in changed {
                            guard let delivery = try store.read({ try DeliveriesView.delivery(id, in: $0) }),
                                  integrationID == nil || delivery.integrationID.rawValue == integrationID
                            else { continue }
                            written = call.stream(V1.Delivery(delivery))
                        }
                    }
                    try await written?.get()
                    cursor = last.position
                }
            }
        }
    }
}
