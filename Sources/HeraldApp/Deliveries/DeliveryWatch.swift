import HeraldCore
import HeraldStore

/// The deliveries the log changes from now on, in the order it changes them: new ones as the
/// fan-out made them (pending, however soon they are attempted); others as the view has them when
/// their change is read, which may already be a later state.
public struct DeliveryWatch: Sendable {
    private var follower: LogFollower
    private let store: any EventLog
    private let integrationID: IntegrationID?

    init(store: any EventLog, integrationID: IntegrationID?) {
        self.store = store
        self.integrationID = integrationID
        follower = LogFollower(store, after: store.knownHead)
    }

    /// What the next page of at most `limit` events changed; nil when caught up. Throws
    /// `UndecodableEvent` for an event that doesn't decode: a watcher must not miss a change unawares.
    public mutating func next(limit: Int) async throws -> [Delivery]? {
        guard let page = try await follower.read(limit: limit) else { return nil }
        var changed: [Delivery] = []
        for event in page.events {
            switch try event.decoded() {
            case .published(let publication):
                changed += publication.deliveries(recordedAt: event.recordedAt).filter(isWatched)
            case .delivery(let id, _):
                if let delivery = try await store.read({ try $0.delivery(id) }), isWatched(delivery) { changed.append(delivery) }
            case .integration, .unknown:
                continue
            }
        }
        return changed
    }

    /// Waits for the next commit; false once the wait was ended.
    public mutating func waitForCommit() async -> Bool { await follower.waitForCommit() }

    private func isWatched(_ delivery: Delivery) -> Bool {
        integrationID.map { $0 == delivery.integrationID } ?? true
    }
}

extension DeliveryService {
    /// Watches from now on: what is acknowledged after this returns is seen.
    public func watch(integrationID: IntegrationID?) -> DeliveryWatch {
        DeliveryWatch(store: store, integrationID: integrationID)
    }
}
