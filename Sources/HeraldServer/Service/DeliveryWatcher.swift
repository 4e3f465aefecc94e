import HeraldCore
import HeraldStore
import HeraldWire
import NIOCore

/// Serves WatchDeliveries: after each commit, the new state of every delivery it changed (new ones
/// as pending; others as the view has them by then, which may already be a later state).
struct DeliveryWatcher: Sendable {
    let store: any EventLog
    let call: ServerCall
    let integrationID: String?
    let tracker: CallTracker

    static let pageSize = 256

    func start() {
        call.followCommits(store: store, tracker: tracker) { [self] commits, start in
            var cursor = start
            for await head in commits {
                while cursor < head {
                    // One page per turn of the connection: a watcher that doesn't read holds at
                    // most one page of changes in the daemon.
                    let page = try await call.inTurn { try streamChanges(from: cursor + 1) }
                    guard let last = page.last else { break }
                    cursor = last.position
                }
            }
        }
    }

    /// Streams the delivery changes in the next page of the log; returns the page.
    private func streamChanges(from position: LogPosition) throws -> [RecordedEvent] {
        let page = try store.events(from: position, limit: Self.pageSize)
        for event in page {
            if let publication = try? StoredEvent.decodePublication(type: event.type, payload: event.payload) {
                // New deliveries as the fan-out made them: pending, however soon they are attempted.
                for delivery in publication.deliveries(recordedAt: event.recordedAt)
                where integrationID == nil || delivery.integrationID.rawValue == integrationID {
                    call.stream(V1.Delivery(delivery))
                }
                continue
            }
            guard let id = event.stream.deliveryID else { continue }
            guard let delivery = try store.read({ try $0.delivery(id) }),
                  integrationID == nil || delivery.integrationID.rawValue == integrationID
            else { continue }
            call.stream(V1.Delivery(delivery))
        }
        return page
    }
}
