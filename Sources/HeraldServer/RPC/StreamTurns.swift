import DequeModule
import NIOCore

/// Takes the streaming calls of one connection in turns, and gives a turn only while the
/// connection is under its write bound. A stream writes one batch per turn, so a client that opens
/// many streams and reads none has at most one batch per connection in memory beyond the bound,
/// and the streams of a connection that does read share it fairly. Confined to the channel's
/// event loop.
final class StreamTurns: @unchecked Sendable {
    private let channel: any Channel
    private var waiting: Deque<CheckedContinuation<Bool, Never>> = []
    private var busy = false
    private var closed = false

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Waits for a turn; false when the connection has closed (then there is no turn to end).
    func take() async -> Bool {
        await withCheckedContinuation { continuation in
            channel.eventLoop.execute {
                if self.closed { return continuation.resume(returning: false) }
                self.waiting.append(continuation)
                self.pump()
            }
        }
    }

    /// Ends the turn that `take` gave.
    func end() {
        channel.eventLoop.execute {
            self.busy = false
            self.pump()
        }
    }

    /// The connection's writability changed.
    func pump() {
        channel.eventLoop.preconditionInEventLoop()
        while !busy, channel.isWritable, let next = waiting.popFirst() {
            busy = true
            next.resume(returning: true)
        }
    }

    /// The connection is gone: no one waits for a turn any more.
    func close() {
        channel.eventLoop.preconditionInEventLoop()
        closed = true
        while let next = waiting.popFirst() { next.resume(returning: false) }
    }
}
