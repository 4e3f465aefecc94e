import HeraldCore
import Synchronization

/// Follows the log from a position: reads what was committed after it a page at a time, and, once
/// caught up, waits for a commit notice and reads again. The notice only wakes it; what it reads is
/// always from its own position, so a notice lost or merged with the next costs a delay, never an
/// event. Used by one task at a time.
public struct LogFollower: Sendable {
    /// Events read, and the position the follower has now read the log through: past the last
    /// event when a page of some types skipped the others.
    public struct Page: Sendable {
        public let events: [RecordedEvent]
        public let position: LogPosition
    }

    private let log: any EventLog
    private let types: [String]?
    private let notices: Notices
    /// Only the newest head heard of matters.
    private let heads: AsyncStream<LogPosition>
    /// What the log has been read through.
    public private(set) var position: LogPosition
    /// The newest head heard of; nil until read.
    private var knownHead: LogPosition?

    /// Follows the events after `position`; only those of `types`, when given.
    public init(_ log: any EventLog, after position: LogPosition, types: [String]? = nil) {
        self.log = log
        self.types = types
        self.position = position
        // Subscribed before anything is read, so no commit after the first read goes unheard.
        let (stream, continuation) = AsyncStream.makeStream(of: LogPosition.self, bufferingPolicy: .bufferingNewest(1))
        heads = stream
        notices = Notices(log, continuation)
    }

    /// Follows what is committed from now on: subscribed first, then the head read, so nothing
    /// committed after that read goes unheard.
    public static func fromHead(_ log: any EventLog, types: [String]? = nil) async throws -> LogFollower {
        var follower = LogFollower(log, after: 0, types: types)
        let head = try await log.head()
        follower.position = head
        follower.knownHead = head
        return follower
    }

    /// The next page of at most `limit` events, or nil when the follower has caught up with every
    /// commit it has heard of.
    public mutating func read(limit: Int) async throws -> Page? {
        let head: LogPosition
        if let knownHead {
            head = knownHead
        } else {
            head = try await log.head()
            knownHead = head
        }
        if let types {
            guard position < head else { return nil }
            let events = try await log.events(after: position, through: head, types: types, limit: limit)
            position = events.count < limit ? head : events[events.count - 1].position
            return Page(events: events, position: position)
        }
        // Every event: what was committed since the head was heard of is read as well.
        let events = try await log.events(from: position + 1, limit: limit)
        guard let last = events.last else { return nil }
        position = last.position
        knownHead = max(head, position)
        return Page(events: events, position: position)
    }

    /// Waits until a commit beyond what has been read is heard of. False when the wait was ended
    /// (the task was cancelled, or `stop` was called).
    public mutating func waitForCommit() async -> Bool {
        // One waiter at a time (the follower's task), so an iterator of its own each time is safe.
        var iterator = heads.makeAsyncIterator()
        while let head = await iterator.next() {
            if head > position {
                knownHead = max(knownHead ?? 0, head)
                return true
            }
        }
        return false
    }

    /// The next page, waiting for commits when caught up; nil once the wait is ended.
    public mutating func next(limit: Int) async throws -> Page? {
        while true {
            if let page = try await read(limit: limit) { return page }
            guard await waitForCommit() else { return nil }
        }
    }

    /// Ends the follower's waits, now and later.
    public func stop() { notices.finish() }
}

/// A follower's subscription to commit notices, ended with the follower.
private final class Notices: Sendable {
    let continuation: AsyncStream<LogPosition>.Continuation
    private let subscription: LogSubscription

    init(_ log: any EventLog, _ continuation: AsyncStream<LogPosition>.Continuation) {
        self.continuation = continuation
        subscription = log.subscribe { continuation.yield($0) }
    }

    func finish() { continuation.finish() }

    deinit {
        subscription.cancel()
        continuation.finish()
    }
}
