import DequeModule
import HeraldApp
import HeraldCore
import HeraldStore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Follows the log and makes the deliveries' attempts. Its queue is rebuilt from the deliveries view
/// at start, so overdue retries fire at once and an attempt cut short by a crash is made again
/// (with the same delivery id, so the same `webhook-id`). Every outcome goes back into the log
/// through `DeliveryService`; the reactor writes nothing else.
///
/// Concurrency is bounded globally and per integration, and each integration is paced by its
/// platform, so a slow or dead endpoint holds up only its own deliveries.
///
/// All of its state lives on one event loop, the one the sender's connections use: an attempt
/// starts, is answered and frees its slot there with no thread hop and no lock. The log is read by
/// a `LogFollower` in the reactor's task, never on that loop; what it reads is handed to the loop.
public final class DeliveryReactor: Service, Sendable {
    public struct Settings: Sendable {
        public var maximumConcurrentAttempts = 64
        public var pacing: Pacing = .standard
        /// Opens the URLs and signing secrets the log keeps sealed.
        public var secrets: SecretKeyRing = .none
        public init() {}
    }

    let store: any EventLog
    let deliveries: DeliveryService
    let sender: any AttemptSending
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Int64
    private let state: ReactorState

    public init(
        store: any EventLog, deliveries: DeliveryService, sender: any AttemptSending, settings: Settings, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds
    ) {
        self.store = store
        self.deliveries = deliveries
        self.sender = sender
        self.settings = settings
        self.logger = logger
        self.clock = clock
        state = ReactorState(eventLoop: sender.eventLoop, queue: DeliveryQueue(pacing: settings.pacing, limit: settings.maximumConcurrentAttempts))
    }

    public var progress: DeliveryProgress {
        var progress = state.progress.withLock { $0 }
        progress.position = max(progress.position, state.followed.load(ordering: .relaxed))
        return progress
    }

    /// Starts no more attempts; `run` returns once those in flight have been answered and their
    /// outcomes recorded.
    public func stop() {
        state.eventLoop.execute { [state] in state.stop() }
    }

    public func run() async throws {
        let recorder = AttemptRecorder(deliveries: deliveries, logger: logger, eventLoop: state.eventLoop) { [state] recorded in
            state.eventLoop.execute { state.recorded(recorded) }
        }
        try await withThrowingDiscardingTaskGroup { group in
            let started = state.eventLoop.makePromise(of: Void.self)
            group.addTask { try await self.follow(recorder: recorder, started: started) }
            try await started.futureResult.get()
            // Cancelled or shut down, it stops the same way: no new attempts, those in flight answered.
            await withTaskCancellationOrGracefulShutdownHandler {
                try? await state.stopped.futureResult.get()
            } onCancelOrGracefulShutdown: { [self] in
                stop()
            }
            group.cancelAll()
        }
        // The log closes after `run` returns: the last outcomes must be in it by then.
        await recorder.waitUntilIdle()
        await sender.shutdown()
        // The state holds the reactor and the recorder, which hold it: let go, so all three are freed.
        state.eventLoop.execute { [state] in state.release() }
        logger.info("delivery reactor stopped")
    }

    static let queueChanges = [Publication.typeName, "DeliveryRetryRequested", "DeliveryCancelled"]

    /// Fills the queue with what is open, then reads what changes it, page by page, and hands each
    /// page to the loop, until cancelled.
    private func follow(recorder: AttemptRecorder, started: EventLoopPromise<Void>) async throws {
        var follower: LogFollower
        do {
            // Subscribed, then the head, then the open deliveries: a delivery committed in between
            // is in both, and the queue takes it once.
            follower = try await LogFollower.fromHead(store, types: Self.queueChanges)
            let open = try await store.read { try $0.allOpenDeliveries() }
            let cursor = follower.position
            try await state.eventLoop.submit { [state] in state.start(self, recorder: recorder, cursor: cursor, open: open) }.get()
            logger.info("delivery reactor started", metadata: ["open": "\(open.count)", "position": "\(cursor)"])
            started.succeed()
        } catch {
            started.fail(error)
            throw error
        }
        while !Task.isCancelled {
            do {
                guard let page = try await follower.next(limit: 1_000) else { return }
                // The follower has moved past the page: what it changes must not be lost to a failed read.
                var changes: [QueueChange]?
                while changes == nil {
                    do {
                        changes = try await queueChanges(in: page.events)
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("could not read the deliveries view", metadata: ["error": "\(error)"])
                        try await Task.sleep(for: .seconds(1))
                    }
                }
                if let changes, !changes.isEmpty {
                    state.eventLoop.execute { [state] in state.apply(changes, through: page.position) }
                } else {
                    // Nothing for the queue: the position is all that moved, and it needs no hop.
                    state.followed.store(page.position, ordering: .relaxed)
                }
            } catch is CancellationError {
                return
            } catch {
                // The follower keeps its position: the next pass reads the same page again.
                logger.error("could not read the log", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// What a page of the log changes in the queue. A retry's delivery is read from the view here,
    /// off the loop.
    private func queueChanges(in events: [RecordedEvent]) async throws -> [QueueChange] {
        var changes: [QueueChange] = []
        for event in events {
            let decoded: DomainEvent
            do {
                decoded = try event.decoded()
            } catch {
                // Not skipped in silence: logged, and counted in the reactor's progress.
                logger.error("an event of the log can't be decoded", metadata: ["error": "\(error)"])
                changes.append(.undecodable)
                continue
            }
            switch decoded {
            case .published(let publication):
                changes.append(.published(publication, recordedAt: event.recordedAt))
            case .delivery(let id, .retryRequested):
                if let delivery = try await store.read({ try $0.delivery(id) }), delivery.status.isOpen {
                    changes.append(.reopened(delivery))
                }
            case .delivery(let id, .cancelled):
                changes.append(.cancelled(id))
            case .delivery(_, .attempted), .integration, .unknown:
                break
            }
        }
        return changes
    }

    func platform(of delivery: Delivery) -> Platform {
        store.integrations.integration(delivery.integrationID)?.platform ?? .custom
    }
}

/// What one event of the log does to the reactor's queue.
enum QueueChange: Sendable {
    case published(Publication, recordedAt: Int64)
    case reopened(Delivery)
    case cancelled(DeliveryID)
    case undecodable
}

/// The reactor's queue and everything that changes it, confined to one event loop.
private final class ReactorState: @unchecked Sendable {
    let eventLoop: any EventLoop
    let stopped: EventLoopPromise<Void>
    /// A copy of the figures `progress` reports, taken after each pass: the only state read off the loop.
    let progress = Mutex(DeliveryProgress())
    /// How far the follower has read when its last pages changed nothing in the queue.
    let followed = Atomic<UInt64>(0)
    private var queue: DeliveryQueue
    private var bodies = BodyCache()
    private var cursor: LogPosition = 0
    private var undecodable = 0
    private var stopping = false
    private var pumpScheduled = false
    private var timer: Scheduled<Void>?
    private var timerWake: Int64?
    // Set by `start`, before anything else runs.
    private var reactor: DeliveryReactor!
    private var recorder: AttemptRecorder!

    init(eventLoop: any EventLoop, queue: DeliveryQueue) {
        self.eventLoop = eventLoop
        self.queue = queue
        stopped = eventLoop.makePromise()
    }

    func start(_ reactor: DeliveryReactor, recorder: AttemptRecorder, cursor: LogPosition, open: [Delivery]) {
        self.reactor = reactor
        self.recorder = recorder
        self.cursor = cursor
        for delivery in open { queue.add(delivery, platform: reactor.platform(of: delivery)) }
        pump()
    }

    /// Applies a page of the log, read through `position`.
    func apply(_ changes: [QueueChange], through position: LogPosition) {
        guard reactor != nil else { return }
        for change in changes {
            switch change {
            case .published(let publication, let recordedAt):
                // The event says all the queue needs: no read of the view, and the payloads are at hand.
                for delivery in publication.deliveries(recordedAt: recordedAt) {
                    queue.add(delivery, platform: reactor.platform(of: delivery))
                }
                bodies.keep(publication.event)
            case .reopened(let delivery):
                queue.add(delivery, platform: reactor.platform(of: delivery))
            case .cancelled(let id):
                queue.remove(id)
            case .undecodable:
                undecodable += 1
            }
        }
        cursor = max(cursor, position)
        pump()
    }

    func answered(_ id: DeliveryID, _ integration: IntegrationID, pause: Duration?) {
        guard reactor != nil else { return }
        queue.finish(id, integration: integration, now: reactor.clock(), pause: pause)
        pump()
    }

    func recorded(_ deliveries: [Delivery]) {
        guard reactor != nil else { return }
        for delivery in deliveries where delivery.status.isOpen { queue.add(delivery, platform: reactor.platform(of: delivery)) }
        pump()
    }

    func stop() {
        stopping = true
        pump()
    }

    /// After the reactor has stopped: nothing more is attempted or recorded.
    func release() {
        stopping = true
        reactor = nil
        recorder = nil
    }

    /// Asks for whatever is due to be started, once the loop is done with what it is doing: the
    /// sixteen answers that one read of the sockets brings make one pass over the queue, not sixteen
    /// (and an attempt answered at once doesn't call back into a pass under way).
    private func pump() {
        guard !pumpScheduled, reactor != nil || stopping else { return }
        pumpScheduled = true
        eventLoop.assumeIsolated().execute { [self] in
            pumpScheduled = false
            pumpOnce()
        }
    }

    /// Starts whatever is due, and sets the timer for whatever comes due next.
    private func pumpOnce() {
        if stopping {
            timer?.cancel()
            if queue.inFlightCount == 0 { stopped.succeed() }
            return
        }
        let now = reactor.clock()
        for entry in queue.takeDue(now: now) { attempt(entry) }
        progress.withLock {
            $0 = DeliveryProgress(
                position: cursor, queued: queue.count - queue.inFlightCount, inFlight: queue.inFlightCount,
                undecodable: undecodable)
        }
        // Most calls leave the next wake-up where it was; only a change re-arms the timer.
        let wake = queue.nextWake(now: now)
        guard wake != timerWake else { return }
        timer?.cancel()
        timerWake = wake
        if let wake {
            timer = eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(max(1, wake - now))) { [self] in
                timerWake = nil
                pump()
            }
        }
    }

    /// Formats and sends one attempt; its outcome goes to the recorder. The endpoint's slot is freed
    /// as soon as it has answered, not when the outcome is durable: a commit's fsync would otherwise
    /// hold every slot for its length.
    private func attempt(_ entry: DeliveryQueue.Entry) {
        // The integrations in memory are updated before a commit is heard of, and a reset or an
        // edit that drops the event's type cancels the delivery in that same commit: checked
        // here, a cancelled delivery is never sent, although its cancellation may not have
        // reached the queue yet. (One cancelled while its attempt is in flight is caught by the
        // decider, which records the attempt without reopening it.)
        guard let integration = reactor.store.integrations.integration(entry.integrationID), integration.status == .connected,
            integration.events.contains(entry.eventType)
        else {
            return eventLoop.assumeIsolated().execute { self.answered(entry.id, entry.integrationID, pause: nil) }
        }
        let (event, cached) = bodies.get(entry.eventID, integration.platform)
        if let cached { return send(entry, to: integration, cached) }
        if let event { return send(entry, to: integration, format(event, for: integration.platform)) }
        // Older than the cache holds: the publications view has it, read off the loop.
        let store = reactor.store
        Task { [self] in
            let event = try? await store.read { try $0.publication(entry.eventID)?.event }
            eventLoop.execute { [self] in
                guard let event else {
                    reactor.logger.error("a delivery's event is not in the publications view", metadata: ["delivery": "\(entry.id)"])
                    return answered(entry.id, entry.integrationID, pause: nil)
                }
                bodies.keep(event)
                send(entry, to: integration, format(event, for: integration.platform))
            }
        }
    }

    /// An event's payload for a platform: the same for every integration of that platform, so an
    /// event fanned out to many is formatted once.
    private func format(_ event: PublishedEvent, for platform: Platform) -> [UInt8] {
        let body = Array(PayloadFormatter.payload(for: event.notification, platform: platform).serialized().utf8)
        bodies.set(event, platform, body)
        return body
    }

    private func send(_ entry: DeliveryQueue.Entry, to integration: Integration, _ body: [UInt8]) {
        let reactor = self.reactor!
        let startedAt = reactor.clock()
        let sent: EventLoopFuture<AttemptResult>
        do {
            let (url, signingSecret) = try reactor.settings.secrets.open(integration)
            sent = reactor.sender.submit(url: url, body: body, id: entry.id.rawValue, signingSecret: signingSecret)
        } catch {
            // A key missing or damaged fails the attempt, which retries: started with the right key,
            // heraldd delivers it.
            sent = eventLoop.makeSucceededFuture(AttemptResult(httpStatus: nil, error: error.description, duration: .zero))
        }
        sent.hop(to: eventLoop)
            .assumeIsolated()
            .whenSuccess { [self] result in
                answered(entry.id, entry.integrationID, pause: result.pause)
                reactor.logger.debug(
                    "attempt",
                    metadata: [
                        "delivery": "\(entry.id)", "integration": "\(integration.id)", "url": "\(integration.maskedURL)",
                        "status": "\(result.httpStatus.map(String.init) ?? "none")", "error": "\(result.error)",
                    ])
                recorder.record(.init(id: entry.id, result: result, startedAt: startedAt))
            }
    }
}

/// Recently published events and their payloads by platform, oldest out first. Deliveries are
/// mostly attempted in the order they were published, so this spares a read of the publications
/// view for all but a backlog longer than `capacity` events; the view has the rest.
struct BodyCache {
    private struct Entry {
        let event: PublishedEvent
        var bodies: [Platform: [UInt8]] = [:]
    }

    private var byID: [String: Entry] = [:]
    private var order = Deque<String>()
    static let capacity = 8_192

    func get(_ eventID: String, _ platform: Platform) -> (event: PublishedEvent?, body: [UInt8]?) {
        guard let entry = byID[eventID] else { return (nil, nil) }
        return (entry.event, entry.bodies[platform])
    }

    mutating func keep(_ event: PublishedEvent) {
        if byID[event.eventID] == nil { insert(Entry(event: event)) }
    }

    mutating func set(_ event: PublishedEvent, _ platform: Platform, _ body: [UInt8]) {
        keep(event)
        byID[event.eventID]?.bodies[platform] = body
    }

    private mutating func insert(_ entry: Entry) {
        if order.count >= Self.capacity, let oldest = order.popFirst() { byID.removeValue(forKey: oldest) }
        byID[entry.event.eventID] = entry
        order.append(entry.event.eventID)
    }
}
