import HeraldCore
import Synchronization

/// Follows the log from a position: reads what was committed after it a page at a time, and, once
/// caught up, waits for a commit notice and reads again. The notice only wakes it; what it reads is
/// always from its own position, so a notice that comes late costs a delay, never an event. A
/// follower of some types skips the read after commits that, by their notices, appended none of
/// them. Used by one task at a time.
public struct LogFollower: Sendable {
    /// Events read, and the position the follower has now read the log through: past the last
    /// event when a page of some types skipped the others.
    public struct Page: Sendable {
        public let events: [RecordedEvent]
        public let position: LogPosition
    }

    private let log: any EventLog
    private let types: Set<String>?
    private let typeList: [String]
    private let notices: Notices
    /// What the log has been read through.
    public private(set) var position: LogPosition
    /// The newest head heard of; nil until read.
    private var knownHead: LogPosition?
    /// The types appended after `position` up to `knownHead`, as far as notices told; nil when
    /// unknown (then only a read can tell).
    private var pendingTypes: Set<String>?

    /// Follows the events after `position`; only those of `types`, when given.
    public init(_ log: any EventLog, after position: LogPosition, types: [String]? = nil) {
        self.log = log
        self.types = types.map(Set.init)
        typeList = types ?? []
        self.position = position
        // Subscribed before anything is read, so no commit after the first read goes unheard.
        notices = Notices(log)
    }

    /// Follows what is committed from now on: subscribed first, then the head read, so nothing
    /// committed after that read goes unheard.
    public static func fromHead(_ log: any EventLog, types: [String]? = nil) async throws -> LogFollower {
        var follower = LogFollower(log, after: 0, types: types)
        let head = try await log.head()
        follower.position = head
        follower.knownHead = head
        // Commits heard of since subscribing are at or below the head just read, or they are in
        // the notices still to be taken.
        follower.pendingTypes = []
        return follower
    }

    /// The next page of at most `limit` events, or nil when the follower has caught up with every
    /// commit it has heard of.
    public mutating func read(limit: Int) async throws -> Page? {
        takeNotices()
        let head: LogPosition
        if let knownHead {
            head = knownHead
        } else {
            head = try await log.head()
            knownHead = head
        }
        if let types {
            guard position < head else { return nil }
            if let pendingTypes, pendingTypes.isDisjoint(with: types) {
                // Nothing of ours was appended since the last read: no need to read to know it.
                position = head
                self.pendingTypes = []
                return Page(events: [], position: head)
            }
            let events = try await log.events(after: position, through: head, types: typeList, limit: limit)
            position = events.count < limit ? head : events[events.count - 1].position
            if position == head { pendingTypes = [] }
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
    /// (the task was cancelled).
    public mutating func waitForCommit() async -> Bool {
        while true {
            takeNotices()
            if let knownHead, knownHead > position { return true }
            guard await notices.wait() else { return false }
        }
    }

    /// The next page, waiting for commits when caught up; nil once the wait is ended.
    public mutating func next(limit: Int) async throws -> Page? {
        while true {
            if let page = try await read(limit: limit) { return page }
            guard await waitForCommit() else { return nil }
        }
    }

    private mutating func takeNotices() {
        guard let heard = notices.take() else { return }
        knownHead = max(knownHead ?? 0, heard.head)
        if let types = heard.types {
            pendingTypes?.formUnion(types)
        } else {
            pendingTypes = nil
        }
    }
}

/// The commit notices a follower has not taken yet, merged: the newest head and every type.
private final class Notices: Sendable {
    private struct State {
        var head: LogPosition = 0
        var types: Set<String>? = []
        var unheard = false
        var waiter: CheckedContinuation<Bool, Never>?
        var finished = false
    }

    private let state = Mutex(State())
    private let subscription = Mutex<LogSubscription?>(nil)

    init(_ log: any EventLog) {
        let subscribed = log.subscribe { [weak self] notice in self?.heard(notice) }
        subscription.withLock { $0 = subscribed }
    }

    private func heard(_ notice: CommitNotice) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.head = max(state.head, notice.head)
            if let types = notice.eventTypes { state.types?.formUnion(types) } else { state.types = nil }
            state.unheard = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: true)
    }

    /// The notices since the last take, merged; nil if there were none.
    func take() -> (head: LogPosition, types: Set<String>?)? {
        state.withLock { state in
            guard state.unheard else { return nil }
            defer {
                state.unheard = false
                state.types = []
            }
            return (state.head, state.types)
        }
    }

    /// Returns true once a notice is there to take, false once finished or cancelled.
    func wait() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool? in
                    if state.finished || Task.isCancelled { return false }
                    if state.unheard { return true }
                    state.waiter = continuation
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            finish()
        }
    }

    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: false)
    }

    deinit {
        subscription.withLock { $0?.cancel() }
    }
}
