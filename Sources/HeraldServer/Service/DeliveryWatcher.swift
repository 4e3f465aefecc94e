import HeraldApp
import HeraldCore
import HeraldWire
import NIOCore

/// Serves WatchDeliveries: streams each change the application's watch reports, one page of the
/// log per turn of the connection, so a watcher that doesn't read holds at most one page of
/// changes in the daemon.
struct DeliveryWatcher: Sendable {
    let deliveries: DeliveryService
    let call: ServerCall
    let integrationID: IntegrationID?
    let tracker: CallTracker

    static let pageSize = 256

    func start() {
        // Made before this returns: a reply to any later call on the connection means the watch
        // sees what that call commits.
        let watch = deliveries.watch(integrationID: integrationID)
        call.whileOpen(tracker: tracker) { [call] in
            var watch = watch
            while !Task.isCancelled {
                let changed = try await call.inTurn {
                    let changed = try await watch.next(limit: Self.pageSize)
                    for delivery in changed ?? [] { call.stream(V1.Delivery(delivery)) }
                    return changed
                }
                if changed == nil {
                    guard await watch.waitForCommit() else { return }
                }
            }
        }
    }
}
