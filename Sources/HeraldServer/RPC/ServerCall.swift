import HeraldWire
import NIOCore

/// One open call on a connection. Replies may be sent from any thread; they hop to the channel's
/// event loop, where all of the call's state lives.
public final class ServerCall: @unchecked Sendable {
    public let id: UInt64
    public let method: String
    public let message: [UInt8]
    public let deadline: NIODeadline?
    let channel: Channel
    var eventLoop: EventLoop { channel.eventLoop }

    private var finished = false
    private var cancelHandlers: [@Sendable () -> Void] = []
    var onFinish: (() -> Void)?
    var deadlineTask: Scheduled<Void>?

    /// The connection's turns for streaming calls.
    let turns: StreamTurns

    init(id: UInt64, method: String, message: [UInt8], deadline: NIODeadline?, channel: Channel, turns: StreamTurns) {
        self.turns = turns
        self.id = id
        self.method = method
        self.message = message
        self.deadline = deadline
        self.channel = channel
    }

    /// The deadline as the store's clock sees it.
    public var continuousDeadline: ContinuousClock.Instant? {
        deadline.map { .now + .nanoseconds(max(0, ($0 - .now()).nanoseconds)) }
    }

    /// Sends the only reply of a unary call. `makeResponse` runs on the event loop, so that the
    /// thread that completed the work (the writer, say) doesn't spend its time encoding.
    public func reply<Response: WireMessage>(_ makeResponse: @escaping @Sendable () -> Response) {
        guard eventLoop.inEventLoop else { return eventLoop.execute { self.reply(makeResponse) } }
        send(ResponseEnvelope(callID: id, message: makeResponse().wireBytes(), endOfStream: true))
    }

    public func reply(_ response: some WireMessage) {
        reply { response }
    }

    /// Sends one message of a stream. The future completes when it has been written, which is how
    /// a streaming handler keeps pace with a slow reader.
    @discardableResult
    public func stream(_ response: some WireMessage) -> EventLoopFuture<Void> {
        send(ResponseEnvelope(callID: id, message: response.wireBytes(), endOfStream: false))
    }

    /// Runs `body`, which reads and streams one batch of messages, in one of the connection's turns
    /// (see `StreamTurns`): only while the connection is under its write bound, and one streaming
    /// call at a time. Throws `CancellationError` once the connection has gone.
    public func inTurn<T>(_ body: () async throws -> T) async throws -> T {
        guard await turns.take() else { throw CancellationError() }
        defer { turns.end() }
        return try await body()
    }

    /// Ends a stream with OK.
    public func finish() {
        send(ResponseEnvelope(callID: id, endOfStream: true))
    }

    public func fail(_ error: RPCError) {
        send(.failure(callID: id, error))
    }

    /// Runs `handler` when the client cancels, the deadline passes or the connection closes.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        eventLoop.execute {
            if self.finished { handler() } else { self.cancelHandlers.append(handler) }
        }
    }

    @discardableResult
    private func send(_ envelope: ResponseEnvelope) -> EventLoopFuture<Void> {
        guard eventLoop.inEventLoop else {
            return eventLoop.flatSubmit { self.send(envelope) }
        }
        guard !finished else { return eventLoop.makeFailedFuture(ChannelError.alreadyClosed) }
        if envelope.endOfStream { complete() }
        var buffer = channel.allocator.buffer(capacity: envelope.message.count + 32)
        buffer.writeFrame { $0.writeBytes(envelope.wireBytes()) }
        return channel.writeAndFlush(buffer)
    }

    /// Ends the call without a reply, as when the connection is gone or the client cancelled.
    func cancel() {
        eventLoop.preconditionInEventLoop()
        guard !finished else { return }
        complete()
    }

    private func complete() {
        finished = true
        deadlineTask?.cancel()
        let handlers = cancelHandlers
        cancelHandlers = []
        onFinish?()
        onFinish = nil
        for handler in handlers { handler() }
    }
}
