import DequeModule
import Foundation
import HeraldCore
import HeraldStore
import HeraldWire
import Logging
import ServiceLifecycle
import Synchronization

/// Follows the log and makes the deliveries' attempts. Its queue is rebuilt from the deliveries view
/// at start, so overdue retries fire at once and an attempt cut short by a crash is made again
/// (with the same delivery id, so the same `webhook-id`). Every outcome goes back into the log
/// through `DeliveryCommands`; the reactor writes nothing else.
///
/// Concurrency is bounded globally and per integration, and each integration is paced by its
/// platform, so a slow or dead endpoint holds up only its own deliveries.
public final class DeliveryReactor: Service, Sendable {
    public struct Settings: Sendable {
        public var maximumConcurrentAttempts = 64
        public var pacing: Pacing = .standard
        public init() {}
    }

    let store: EventStore
    let commands: DeliveryCommands
    let sender: WebhookSender
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Int64
    private let bodies = BodyCache()
    private let signals = AsyncStream.makeStream(of: Signal.self)

    public init(store: EventStore, commands: DeliveryCommands, sender: WebhookSender, settings: Settings, logger: Logger,
                clock: @escaping @Sendable () -> Int64 = EventStore.systemClock) {
        self.store = store
        self.commands = commands
        self.sender = sender
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    enum Signal: Sendable {
        case committed(LogPosition)
        case timer
        case stop
        /// The endpoint answered (or the attempt could not be made): its slot is free.
        case answered(DeliveryID, IntegrationID, pause: Duration?)
        /// Attempts' outcomes are in the log; open deliveries go back to the queue.
        case recorded([Delivery])
    }

    /// Starts no more attempts; `run` returns once those in flight have been answered and their
    /// outcomes recorded.
    public func stop() {
        signals.continuation.yield(.stop)
    }

    public func run() async throws {
        let (signals, signal) = self.signals
        let subscription = store.subscribe { head in signal.yield(.committed(head)) }
        defer { subscription.cancel() }
        var queue = DeliveryQueue(pacing: settings.pacing, limit: settings.maximumConcurrentAttempts)
        var cursor = try store.head()
        for delivery in try store.read({ try DeliveriesView.allOpen(in: $0) }) { queue.add(delivery, platform: platform(of: delivery)) }
        logger.info("delivery reactor started", metadata: ["open": "\(queue.count)", "position": "\(cursor)"])

        let recorder = AttemptRecorder(commands: commands, logger: logger) { signal.yield(.recorded($0)) }
        var timer: Task<Void, Never>?
        var timerWake: Int64?
        signal.yield(.timer)
        await withGracefulShutdownHandler {
            var stopping = false
            for await event in signals {
                switch event {
                case .committed(let head):
                    cursor = (try? follow(from: cursor, to: head, into: &queue)) ?? cursor
                case .timer:
                    break
                case .stop:
                    stopping = true
                case .answered(let id, let integration, let pause):
                    queue.finish(id, integration: integration, now: clock(), pause: pause)
                case .recorded(let deliveries):
                    for delivery in deliveries where delivery.status.isOpen { queue.add(delivery, platform: platform(of: delivery)) }
                }
                if stopping {
                    if queue.inFlightCount == 0 { break }
                    continue
                }
                let now = clock()
                for entry in queue.takeDue(now: now) { attempt(entry, signal, recorder) }
                // Most signals leave the next wake-up where it was; only a change re-arms the timer.
                let wake = queue.nextWake(now: now)
                if case .timer = event { timerWake = nil }
                if wake != timerWake {
                    timer?.cancel()
                    timerWake = wake
                    if let wake {
                        timer = Task {
                            try? await Task.sleep(for: .milliseconds(max(1, wake - now)))
                            if !Task.isCancelled { signal.yield(.timer) }
                        }
                    }
                }
            }
            timer?.cancel()
            signal.finish()
        } onGracefulShutdown: { [self] in
            stop()
        }
        // The log closes after `run` returns: the last outcomes must be in it by then.
        await recorder.waitUntilIdle()
        await sender.shutdown()
        logger.info("delivery reactor stopped")
    }

    /// Applies what was committed after `cursor` up to `head` to the queue; returns the new cursor.
    private func follow(from cursor: LogPosition, to head: LogPosition, into queue: inout DeliveryQueue) throws -> LogPosition {
        var position = cursor
        while position < head {
            // Attempts are requeued by their own completion; only these change the queue.
            let page = try store.events(after: position, through: head, types: Self.queueChanges, limit: 1_000)
            for event in page {
                if let publication = try? StoredEvent.decodePublication(type: event.type, payload: event.payload) {
                    // The event says all the queue needs: no read of the view, and the payloads are at hand.
                    for delivery in publication.deliveries(recordedAt: event.recordedAt) {
                        queue.add(delivery, platform: platform(of: delivery))
                    }
                    bodies.keep(publication.event)
                    continue
                }
                guard let change = try? StoredEvent.decodeDelivery(type: event.type, payload: event.payload) else { continue }
                let id = DeliveryID(String(event.stream.dropFirst("delivery-".count)))
                switch change {
                case .retryRequested:
                    if let delivery = try store.read({ try DeliveriesView.delivery(id, in: $0) }), delivery.status.isOpen {
                        queue.add(delivery, platform: platform(of: delivery))
                    }
                case .cancelled:
                    queue.remove(id)
                case .attempted:
                    break
                }
            }
            position = page.count < 1_000 ? head : page[page.count - 1].position
        }
        return position
    }

    /// An event's payload for a platform: the same for every integration of that platform, so an
    /// event fanned out to many is formatted once.
    private func body(of eventID: String, for platform: Platform) throws -> [UInt8]? {
        let (event, cached) = bodies.get(eventID, platform)
        if let cached { return cached }
        guard let event = try event ?? store.read({ try DeliveriesView.publication(eventID, in: $0) })?.event else { return nil }
        let body = Array(PayloadFormatter.payload(for: event.notification, platform: platform).serialized().utf8)
        bodies.set(event, platform, body)
        return body
    }

    static let queueChanges = [Publication.typeName, "DeliveryRetryRequested", "DeliveryCancelled"]

    private func platform(of delivery: Delivery) -> Platform {
        store.integrations?.integration(delivery.integrationID)?.platform ?? .custom
    }

    /// Formats and sends one attempt, then records its outcome; everything after the send happens in
    /// callbacks, with no task of its own. The endpoint's slot is freed as soon as it has answered,
    /// not when the outcome is durable: a commit's fsync would otherwise hold every slot for its
    /// length.
    private func attempt(_ entry: DeliveryQueue.Entry, _ signal: AsyncStream<Signal>.Continuation, _ recorder: AttemptRecorder) {
        let body: [UInt8]?
        let integration = store.integrations?.integration(entry.integrationID)
        do {
            body = try integration.flatMap { try self.body(of: entry.eventID, for: $0.platform) }
        } catch {
            logger.error("delivery attempt failed to run", metadata: ["delivery": "\(entry.id)", "error": "\(error)"])
            body = nil
        }
        // A delivery cancelled since it was queued is caught by the decider, which records the
        // attempt without reopening it; the queue has usually dropped it before then.
        guard let integration, integration.status == .connected, let body else {
            signal.yield(.answered(entry.id, entry.integrationID, pause: nil))
            return
        }
        let startedAt = clock()
        sender.submit(url: integration.url, body: body, id: entry.id.rawValue, signingSecret: integration.signingSecret)
            .whenSuccess { [self] result in
                signal.yield(.answered(entry.id, entry.integrationID, pause: result.pause))
                logger.debug("attempt", metadata: [
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
final class BodyCache: Sendable {
    private struct Entry {
        let event: PublishedEvent
        var bodies: [Platform: [UInt8]] = [:]
    }

    private let entries = Mutex<(byID: [String: Entry], order: Deque<String>)>(([:], []))
    static let capacity = 8_192

    func get(_ eventID: String, _ platform: Platform) -> (event: PublishedEvent?, body: [UInt8]?) {
        entries.withLock { entries in
            guard let entry = entries.byID[eventID] else { return (nil, nil) }
            return (entry.event, entry.bodies[platform])
        }
    }

    func keep(_ event: PublishedEvent) {
        entries.withLock { entries in
            if entries.byID[event.eventID] == nil { Self.insert(Entry(event: event), into: &entries) }
        }
    }

    func set(_ event: PublishedEvent, _ platform: Platform, _ body: [UInt8]) {
        entries.withLock { entries in
            if entries.byID[event.eventID] == nil { Self.insert(Entry(event: event), into: &entries) }
            entries.byID[event.eventID]?.bodies[platform] = body
        }
    }

    private static func insert(_ entry: Entry, into entries: inout (byID: [String: Entry], order: Deque<String>)) {
        if entries.order.count >= capacity, let oldest = entries.order.popFirst() { entries.byID.removeValue(forKey: oldest) }
        entries.byID[entry.event.eventID] = entry
        entries.order.append(entry.event.eventID)
    }
}
