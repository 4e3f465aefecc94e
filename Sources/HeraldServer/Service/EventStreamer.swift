import HeraldCore
import HeraldStore
import HeraldWire
import NIOCore

/// Serves ReadEvents: pages through the log, waiting for each page to be written before reading
/// the next, and with `follow` waits for commits and goes on until the call ends.
struct EventStreamer: Sendable {
    let store: EventStore
    let call: ServerCall
    let request: V1.ReadEventsRequest
    let tracker: CallTracker

    static let pageSize = 512

    func start() {
        call.followCommits(store: store, tracker: tracker, follow: request.follow) { [store, call, request] commits, _ in
            var next = max(request.fromPosition, 1)
            var remaining = request.limit == 0 ? Int.max : Int(request.limit)
            var iterator = commits.makeAsyncIterator()
            while remaining > 0, !Task.isCancelled {
                let page = try store.events(from: next, limit: min(Self.pageSize, remaining))
                if page.isEmpty {
                    guard request.follow else { break }
                    guard await iterator.next() != nil else { return }
                    continue
                }
                var written: EventLoopFuture<Void>?
                for event in page {
                    written = call.stream(V1.LogEvent(
                        position: event.position, stream: event.stream, version: event.version, type: event.type,
                        payload: event.payload, recordedAtUnixMs: event.recordedAt))
                }
                try await written?.get()
                next = page.last!.position + 1
                remaining -= page.count
            }
            call.finish()
        }
    }
}
