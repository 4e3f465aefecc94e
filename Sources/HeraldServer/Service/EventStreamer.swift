import HeraldApp
import HeraldCore
import HeraldStore
import HeraldWire
import NIOCore

/// Serves ReadEvents: pages through the log, one page per turn of the connection (so a client that
/// doesn't read holds at most one page in the daemon), and with `follow` waits for commits and goes
/// on until the call ends.
struct EventStreamer: Sendable {
    let log: LogService
    let call: ServerCall
    let request: V1.ReadEventsRequest
    let tracker: CallTracker

    static let maximumPageSize = 512
    /// Pages are sized to hold about this many bytes of payload, whatever size the events are.
    static let pageBytes = 256 * 1024

    func start() {
        let follower = log.follow(after: max(request.fromPosition, 1) - 1)
        call.whileOpen(tracker: tracker) { [call, request] in
            var follower = follower
            var remaining = request.limit == 0 ? Int.max : Int(request.limit)
            var pageSize = 64
            while remaining > 0, !Task.isCancelled {
                let page = try await call.inTurn {
                    let page = try await follower.read(limit: min(pageSize, remaining))
                    for event in page?.events ?? [] {
                        call.stream(
                            V1.LogEvent(
                                position: event.position, stream: event.stream.rawValue, version: event.version, type: event.type,
                                payload: event.payload, recordedAtUnixMs: event.recordedAt))
                    }
                    return page
                }
                guard let page else {
                    // Caught up: wait for a commit outside the turn, so other streams have theirs.
                    guard request.follow else { break }
                    guard await follower.waitForCommit() else { return }
                    continue
                }
                let bytes = page.events.reduce(0) { $0 + $1.payload.count + $1.stream.rawValue.utf8.count + 32 }
                pageSize = max(1, min(Self.maximumPageSize, page.events.count * Self.pageBytes / max(bytes, 1)))
                remaining -= page.events.count
            }
            call.finish()
        }
    }
}
