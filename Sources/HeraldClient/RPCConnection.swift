import HeraldWire
import NIOCore
import NIOPosix
import Synchronization

/// A connection to heraldd. Calls may be made from many tasks at once; each gets its own call id,
/// and replies are matched to calls whatever order they come in.
public final class RPCConnection: Sendable {
    let channel: Channel
    private let handler: NIOLoopBound<RPCClientHandler>
    private let nextCallID = Atomic<UInt64>(0)

    init(channel: Channel, handler: NIOLoopBound<RPCClientHandler>) {
        self.channel = channel
        self.handler = handler
    }

    /// Connects to the daemon's socket.
    public static func connect(
        socketPath: String, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize
    ) async throws -> RPCConnection {
        do {
            let channel = try await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(FrameDecoder(maximumFrameSize: maximumFrameSize)),
                            RPCClientHandler(),
                        ])
                    }
                }
                .connect(unixDomainSocketPath: socketPath)
                .get()
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: RPCClientHandler.self), eventLoop: channel.eventLoop)
            }.get()
            return RPCConnection(channel: channel, handler: handler)
        } catch {
            throw RPCError(.unavailable, "cannot connect to heraldd at \(socketPath): \(error)")
        }
    }

    public func close() async {
        try? await channel.close()
    }

    /// Makes a unary call and returns the reply's message bytes, or throws its RPCError.
    public func unary(_ method: String, _ message: [UInt8], timeout: Duration? = nil) async throws -> [UInt8] {
        var reply: [UInt8] = []
        for try await message in stream(method, message, timeout: timeout) { reply = message }
        return reply
    }

    public func unary<Response: WireMessage>(
        _ method: String, _ request: some WireMessage, timeout: Duration? = nil, as type: Response.Type = Response.self
    ) async throws -> Response {
        try Response(wireBytes: try await unary(method, request.wireBytes(), timeout: timeout))
    }

    /// Makes a call and streams its reply messages. Ending the iteration early cancels the call.
    public func stream(_ method: String, _ message: [UInt8], timeout: Duration? = nil) -> AsyncThrowingStream<[UInt8], any Error> {
        let id = nextCallID.add(1, ordering: .relaxed).newValue
        let milliseconds = timeout.map { UInt64(max(1, $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000)) } ?? 0
        let request = RequestEnvelope(callID: id, method: method, timeoutMilliseconds: milliseconds, message: message)
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        let channel = self.channel
        let handler = self.handler
        channel.eventLoop.execute {
            handler.value.open(id, continuation: continuation, channel: channel)
            var buffer = channel.allocator.buffer(capacity: message.count + 64)
            buffer.writeFrame { $0.writeBytes(request.wireBytes()) }
            channel.writeAndFlush(buffer, promise: nil)
        }
        continuation.onTermination = { reason in
            guard case .cancelled = reason else { return }
            channel.eventLoop.execute {
                guard handler.value.abandon(id) else { return }
                var buffer = channel.allocator.buffer(capacity: 32)
                buffer.writeFrame { $0.writeBytes(RequestEnvelope(callID: id, method: "", cancel: true).wireBytes()) }
                channel.writeAndFlush(buffer, promise: nil)
            }
        }
        return stream
    }

    public func serverStream<Response: WireMessage>(
        _ method: String, _ request: some WireMessage, timeout: Duration? = nil, as type: Response.Type = Response.self
    ) -> AsyncThrowingMapSequence<AsyncThrowingStream<[UInt8], any Error>, Response> {
        stream(method, request.wireBytes(), timeout: timeout).map { try Response(wireBytes: $0) }
    }
}

/// Matches response frames to open calls. Lives on the channel's event loop.
final class RPCClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var calls: [UInt64: AsyncThrowingStream<[UInt8], any Error>.Continuation] = [:]
    private var closed = false

    func open(_ id: UInt64, continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation, channel: Channel) {
        if closed {
            continuation.finish(throwing: RPCError(.unavailable, "connection to heraldd closed"))
            return
        }
        calls[id] = continuation
    }

    /// Forgets a call the caller stopped reading; true if it was still open.
    func abandon(_ id: UInt64) -> Bool {
        calls.removeValue(forKey: id) != nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard let response = try? frame.readableBytesView.withUnsafeBytes({ try ResponseEnvelope(wire: $0) }) else {
            context.close(promise: nil)
            return
        }
        guard let continuation = calls[response.callID] else { return }
        if let error = response.error {
            calls.removeValue(forKey: response.callID)
            continuation.finish(throwing: error)
            return
        }
        // A bare end-of-stream carries no message; an empty unary reply decodes as all defaults.
        if !response.endOfStream || !response.message.isEmpty {
            continuation.yield(response.message)
        }
        if response.endOfStream {
            calls.removeValue(forKey: response.callID)
            continuation.finish()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        let open = calls
        calls.removeAll()
        for continuation in open.values {
            continuation.finish(throwing: RPCError(.unavailable, "connection to heraldd closed"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
