import DequeModule
import HeraldWire
import Logging
import NIOCore

/// Handles a call on behalf of the server: the method table.
public protocol CallHandler: Sendable {
    func handle(_ call: ServerCall)
}

/// The server side of one connection: reads request frames, opens calls, enforces deadlines,
/// cancellation and the per-connection call limit, and refuses peers that are not allowed.
final class RPCServerHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let handler: any CallHandler
    private let maximumOpenCalls: Int
    private let peerRefusal: String?
    private let tracker: CallTracker
    private var logger: Logger
    private var openCalls: [UInt64: ServerCall] = [:]

    init(handler: any CallHandler, maximumOpenCalls: Int, peerRefusal: String?, tracker: CallTracker, logger: Logger) {
        self.handler = handler
        self.maximumOpenCalls = maximumOpenCalls
        self.peerRefusal = peerRefusal
        self.tracker = tracker
        self.logger = logger
    }

    /// Frames read but not yet handled: the connection is over its write bound, or they wait
    /// their turn behind other connections.
    private var pending: Deque<ByteBuffer> = []
    /// Frames handled in this turn of the event loop. The decoder hands over every frame of a read
    /// one by one, so the budget spans calls of `channelRead`.
    private var handledThisTurn = 0
    private var continuationScheduled = false
    private var reading = true
    private var turns: StreamTurns?

    /// How many frames one connection has handled before the event loop serves the others.
    static let framesPerTurn = 16

    func handlerAdded(context: ChannelHandlerContext) {
        turns = StreamTurns(channel: context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After the connection has gone, the decoder still hands over the frames it had buffered:
        // no one is left to answer, so they are dropped, not served.
        guard context.channel.isActive else { return }
        pending.append(unwrapInboundIn(data))
        handlePending(context: context)
    }

    /// Handles queued frames while the connection is under its write bound, a few per turn of the
    /// event loop, and reads more only once they are done: a client that sends faster than it
    /// reads its replies, or than it is served, stops being read from.
    private func handlePending(context: ChannelHandlerContext) {
        while context.channel.isActive, context.channel.isWritable, handledThisTurn < Self.framesPerTurn,
            let frame = pending.popFirst()
        {
            handleFrame(frame, context: context)
            handledThisTurn += 1
        }
        guard context.channel.isActive else { return pending.removeAll() }
        setReading(pending.isEmpty && context.channel.isWritable, context: context)
        if !pending.isEmpty, context.channel.isWritable, !continuationScheduled {
            continuationScheduled = true
            context.eventLoop.assumeIsolated().execute {
                self.continuationScheduled = false
                self.handledThisTurn = 0
                self.handlePending(context: context)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The next read comes in a later turn; with nothing queued, it starts a fresh budget.
        if pending.isEmpty { handledThisTurn = 0 }
        context.fireChannelReadComplete()
    }

    private func setReading(_ on: Bool, context: ChannelHandlerContext) {
        guard on != reading else { return }
        reading = on
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: on)
        if on { context.read() }
    }

    private func handleFrame(_ frame: ByteBuffer, context: ChannelHandlerContext) {
        let request: RequestEnvelope
        do {
            request = try frame.readableBytesView.withUnsafeBytes { try RequestEnvelope(wire: $0) }
        } catch {
            logger.notice("closing connection: a frame is not a request envelope")
            context.close(promise: nil)
            return
        }
        if request.cancel {
            openCalls[request.callID]?.cancel()
            return
        }
        guard openCalls[request.callID] == nil else {
            logger.notice("closing connection: call id reused while open", metadata: ["call": "\(request.callID)"])
            context.close(promise: nil)
            return
        }
        if let peerRefusal {
            reply(context, .failure(callID: request.callID, RPCError(.permissionDenied, peerRefusal)))
            return
        }
        guard openCalls.count < maximumOpenCalls else {
            reply(
                context,
                .failure(
                    callID: request.callID,
                    RPCError(
                        .resourceExhausted, "more than \(maximumOpenCalls) calls open on one connection")))
            return
        }
        guard !tracker.isDraining else {
            reply(context, .failure(callID: request.callID, RPCError(.unavailable, "heraldd is shutting down")))
            return
        }
        let deadline =
            request.timeoutMilliseconds > 0
            ? NIODeadline.now() + .milliseconds(Int64(clamping: request.timeoutMilliseconds)) : nil
        let call = ServerCall(
            id: request.callID, method: request.method, message: request.message,
            deadline: deadline, channel: context.channel, turns: turns!)
        openCalls[call.id] = call
        tracker.opened()
        call.onFinish = { [weak self, tracker] in
            tracker.closed()
            self?.openCalls.removeValue(forKey: call.id)
        }
        if let deadline {
            call.deadlineTask = context.eventLoop.scheduleTask(deadline: deadline) {
                call.fail(RPCError(.deadlineExceeded, "deadline of \(request.timeoutMilliseconds) ms exceeded"))
            }
        }
        handler.handle(call)
    }

    /// A client that stops reading its replies stops being read from, so it can't make the daemon
    /// buffer without bound, and it holds up no one else.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        handlePending(context: context)
        turns?.pump()
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending.removeAll()
        turns?.close()
        for call in openCalls.values { call.cancel() }
        openCalls.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.notice("closing connection", metadata: ["reason": "\(error)"])
        context.close(promise: nil)
    }

    private func reply(_ context: ChannelHandlerContext, _ envelope: ResponseEnvelope) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        buffer.writeFrame { $0.writeBytes(envelope.wireBytes()) }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
