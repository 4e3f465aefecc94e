import HeraldCore
import HeraldStore
import HeraldWire
import NIOCore

/// Serves ReadEvents: pages through the log, one page per turn of the connection (so a client that
/// doesn't read holds at most one page in the daemon), and with `follow` waits for commits and goes
/// on until the call ends.
struct EventStreamer: Sendable {
    let store: any EventLog
    let call: ServerCall
    let request: V1.ReadEventsRequest
    let tracker: CallTracker

    static let maximumPageSize = 512
    /// Pages are sized to hold about this many bytes of payload, whatever size the events are.
    static let pageBytes = 256 * 1024

    func start() {
        call.followCommits(store: store, tracker: tracker, follow: request.follow) { [store, call, request] commits, _ in
            var next = max(request.fromPosition, 1)
            var remaining = request.limit == 0 ? Int.max : Int(request.limit)
            var pageSize = 64
            var iterator = commits.makeAsyncIterator()
            while remaining > 0, !Task.isCancelled {
                let page = try await call.inTurn {
                    let page = try store.events(from: next, limit: min(pageSize, remaining))
                    for event in page {
                        call.stream(V1.LogEvent(
                            position: event.position, stream: event.stream.rawValue, version: event.version, type: event.type,
                            payload: event.payload, recordedAtUnixMs: event.recordedAt))
                    }
                    return page
                }
                guard let last = page.last else {
                    guard request.follow else { break }
                    guard await iterator.next() != nil else { return }
                    continue
                }
                let bytes = page.reduce(0) { $0 + $1.payload.count + $1.stream.rawValue.utf8.count + 32 }
                pageSize = max(1, min(Self.maximumPageSize, page.count * Self.pageBytes / max(bytes, 1)))
                next = last.position + 1
                remaining -= page.count
            }
            call.finish()
        }
    }
}
