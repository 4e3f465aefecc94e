import HeraldCore
import HeraldStore
import Logging

/// The log as the application shows it: status, reading and following events, and rebuilding the
/// views.
public struct LogService: Sendable {
    let store: any EventLog
    let startedAt: Int64
    let secretsKeyID: String?
    let deliveryProgress: @Sendable () -> DeliveryProgress?
    let logger: Logger

    public init(
        store: any EventLog, startedAt: Int64, secretsKeyID: String? = nil, logger: Logger,
        deliveryProgress: @escaping @Sendable () -> DeliveryProgress?
    ) {
        self.store = store
        self.startedAt = startedAt
        self.secretsKeyID = secretsKeyID
        self.logger = logger
        self.deliveryProgress = deliveryProgress
    }

    public struct Status: Sendable {
        public let head: LogPosition
        public let checkpoints: [Checkpoint]
        public let store: StoreLocation
        public let version: String
        /// Milliseconds since the Unix epoch.
        public let startedAt: Int64
        /// Nil when no reactor runs.
        public let delivery: DeliveryProgress?
        /// The id of the key that seals secrets before they enter the log; nil when they are
        /// stored in clear.
        public let secretsKeyID: String?

        /// How far a view is behind the head.
        public func lag(of checkpoint: Checkpoint) -> UInt64 { head - min(head, checkpoint.position) }
    }

    /// From memory, without a read of the store: status must answer even when the store is slow.
    public func status() -> Status {
        // The checkpoints first: then none is ahead of the head read after them.
        let checkpoints = store.knownCheckpoints
        let head = store.knownHead
        return Status(
            head: head, checkpoints: checkpoints, store: store.location, version: HeraldVersion.current,
            startedAt: startedAt, delivery: deliveryProgress(), secretsKeyID: secretsKeyID)
    }

    /// A follower of the events after `position`, subscribed from now on.
    public func follow(after position: LogPosition, types: [String]? = nil) -> LogFollower {
        LogFollower(store, after: position, types: types)
    }

    /// Empties every view and replays the whole log into them; commands wait until it is done.
    public func rebuildViews(every: Int, progress: @escaping @Sendable (_ processed: UInt64, _ total: UInt64) -> Void) async throws -> UInt64 {
        let started = ContinuousClock.now
        let processed = try await store.rebuildViews(every: every, progress: progress)
        logger.info("views rebuilt", metadata: ["events": "\(processed)", "duration": "\(ContinuousClock.now - started)"])
        return processed
    }
}
