import DequeModule
import HeraldCore
import HeraldStore
import HeraldWire
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Follows the log and makes the deliveries' attempts. Its queue is rebuilt from the deliveries view
/// at start, so overdue retries fire at once and an attempt cut short by a crash is made again
/// (with the same delivery id, so the same `webhook-id`). Every outcome goes back into the log
/// through `DeliveryCommands`; the reactor writes nothing else.
///
/// Concurrency is bounded globally and per integration, and each integration is paced by its
/// platform, so a slow or dead endpoint holds up only its own deliveries.
///
/// All of its state lives on one event loop, the one the sender's connections use: an attempt
/// starts, is answered and frees its slot there with no thread hop and no lock, and only commits
/// and recorded outcomes come in from the writer's thread.
public final class DeliveryReactor: Service, Sendable {
    public struct Settings: Sendable {
        public var maximumConcurrentAttempts = 64
        public var pacing: Pacing = .standard
        public init() {}
    }

    let store: any EventLog
    let commands: DeliveryCommands
    let sender: WebhookSender
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Int64
    private let state: ReactorState

    public init(store: any EventLog, commands: DeliveryCommands, sender: WebhookSender, settings: Settings, logger: Logger,
                clock: @escaping @Sendable () -> Int64 = SystemClock.milliseconds) {
        self.store = store
        self.commands = commands
        self.sender = sender
        self.settings = settings
        self.logger = logger
        self.clock = clock
        state = ReactorState(eventLoop: sender.eventLoop, queue: DeliveryQueue(pacing: settings.pacing, limit: settings.maximumConcurrentAttempts))
    }

    /// What the reactor is doing, for `herald status`.
    public struct Progress: Sendable, Equatable {
        /// The log position it has followed up to.
        public var position: LogPosition
        /// Deliveries waiting in its queue, due or not.
        public var queued: Int
        public var inFlight: Int
    }

    public var progress: Progress { state.progress.withLock { $0 } }

    /// Starts no more attempts; `run` returns once those in flight have been answered and their
    /// outcomes recorded.
    public func stop() {
        state.eventLoop.execute { [state] in state.stop() }
    }

    public func run() async throws {
        let (state, eventLoop) = (self.state, self.state.eventLoop)
        let subscription = store.subscribe { head in eventLoop.execute { state.committed(head) } }
        defer { subscription.cancel() }
        let cursor = try store.head()
        let open = try store.read { try $0.allOpenDeliveries() }
        let recorder = AttemptRecorder(commands: commands, logger: logger, eventLoop: eventLoop) { deliveries in
            eventLoop.execute { state.recorded(deliveries) }
        }
        try await eventLoop.submit { state.start(self, recorder: recorder, cursor: cursor, open: open) }.get()
        logger.info("delivery reactor started", metadata: ["open": "\(open.count)", "position": "\(cursor)"])

        await withGracefulShutdownHandler {
            try? await state.stopped.futureResult.get()
        } onGracefulShutdown: { [self] in
            stop()
        }
        // The log closes after `run` returns: the last outcomes must be in it by then.
        await recorder.waitUntilIdle()
        await sender.shutdown()
        logger.info("delivery reactor stopped")
    }

    static let queueChanges = [Publication.typeName, "DeliveryRetryRequested", "DeliveryCancelled"]

    func platform(of delivery: Delivery) -> Platform {
        store.integrations.integration(delivery.integrationID)?.platform ?? .custom
    }
}

/// The reactor's queue and everything that changes it, confined to one event loop.
private final class ReactorState: @unchecked Sendable {
    let eventLoop: any EventLoop
    let stopped: EventLoopPromise<Void>
    /// A copy of the figures `progress` reports, taken after each pass: the only state read off the loop.
    let progress = Mutex(DeliveryReactor.Progress(position: 0, queued: 0, inFlight: 0))
    private var queue: DeliveryQueue
    private var bodies = BodyCache()
    private var cursor: LogPosition = 0
    /// The newest head heard of before `start`.
    private var headBeforeStart: LogPosition = 0
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
        committed(headBeforeStart)
    }

    func committed(_ head: LogPosition) {
        guard reactor != nil else {
            headBeforeStart = max(headBeforeStart, head)
            return
        }
        do {
            try follow(to: head)
        } catch {
            reactor.logger.error("could not read the log", metadata: ["error": "\(error)"])
        }
        pump()
    }

    func answered(_ id: DeliveryID, _ integration: IntegrationID, pause: Duration?) {
        queue.finish(id, integration: integration, now: reactor.clock(), pause: pause)
        pump()
    }

    func recorded(_ deliveries: [Delivery]) {
        for delivery in deliveries where delivery.status.isOpen { queue.add(delivery, platform: reactor.platform(of: delivery)) }
        pump()
    }

    func stop() {
        stopping = true
        pump()
    }

    /// Asks for whatever is due to be started, once the loop is done with what it is doing: the
    /// sixteen answers that one read of the sockets brings make one pass over the queue, not sixteen
    /// (and an attempt answered at once doesn't call back into a pass under way).
    private func pump() {
        guard reactor != nil, !pumpScheduled else { return }
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
        progress.withLock { $0 = .init(position: cursor, queued: queue.count - queue.inFlightCount, inFlight: queue.inFlightCount) }
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

    /// Applies what was committed after the cursor up to `head` to the queue.
    private func follow(to head: LogPosition) throws {
        let store = reactor.store
        while cursor < head {
            // Attempts are requeued by their own completion; only these change the queue.
            let page = try store.events(after: cursor, through: head, types: DeliveryReactor.queueChanges, limit: 1_000)
            for event in page {
                if let publication = try? StoredEvent.decodePublication(type: event.type, payload: event.payload) {
                    // The event says all the queue needs: no read of the view, and the payloads are at hand.
                    for delivery in publication.deliveries(recordedAt: event.recordedAt) {
                        queue.add(delivery, platform: reactor.platform(of: delivery))
                    }
                    bodies.keep(publication.event)
                    continue
                }
                guard let id = event.stream.deliveryID,
                      let change = try? StoredEvent.decodeDelivery(type: event.type, payload: event.payload) else { continue }
                switch change {
                case .retryRequested:
                    if let delivery = try store.read({ try $0.delivery(id) }), delivery.status.isOpen {
                        queue.add(delivery, platform: reactor.platform(of: delivery))
                    }
                case .cancelled:
                    queue.remove(id)
                case .attempted:
                    break
                }
            }
            cursor = page.count < 1_000 ? head : page[page.count - 1].position
        }
    }

    /// An event's payload for a platform: the same for every integration of that platform, so an
    /// event fanned out to many is formatted once.
    private func body(of eventID: String, for platform: Platform) throws -> [UInt8]? {
        let (event, cached) = bodies.get(eventID, platform)
        if let cached { return cached }
        guard let event = try event ?? reactor.store.read({ try $0.publication(eventID) })?.event else { return nil }
        let body = Array(PayloadFormatter.payload(for: event.notification, platform: platform).serialized().utf8)
        bodies.set(event, platform, body)
        return body
    }

    /// Formats and sends one attempt; its outcome goes to the recorder. The endpoint's slot is freed
    /// as soon as it has answered, not when the outcome is durable: a commit's fsync would otherwise
    /// hold every slot for its length.
    private func attempt(_ entry: DeliveryQueue.Entry) {
        let reactor = self.reactor!
        let integration = reactor.store.integrations.integration(entry.integrationID)
        let body: [UInt8]?
        do {
            body = try integration.flatMap { try self.body(of: entry.eventID, for: $0.platform) }
        } catch {
            reactor.logger.error("delivery attempt failed to run", metadata: ["delivery": "\(entry.id)", "error": "\(error)"])
            body = nil
        }
        // A delivery cancelled since it was queued is caught by the decider, which records the
        // attempt without reopening it; the queue has usually dropped it before then.
        guard let integration, integration.status == .connected, let body else {
            eventLoop.assumeIsolated().execute { self.answered(entry.id, entry.integrationID, pause: nil) }
            return
        }
        let startedAt = reactor.clock()
        reactor.sender.submit(url: integration.url, body: body, id: entry.id.rawValue, signingSecret: integration.signingSecret)
            .hop(to: eventLoop)
            .assumeIsolated()
            .whenSuccess { [self] result in
                answered(entry.id, entry.integrationID, pause: result.pause)
                reactor.logger.debug("attempt", metadata: [
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
