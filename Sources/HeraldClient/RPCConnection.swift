import HeraldCore
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

    /// The largest reply frame read. The daemon's replies have no fixed bound (a listing grows with
    /// what it lists), and the daemon is trusted: this only keeps a broken one from exhausting memory.
    public static let defaultMaximumReplySize = 64 * 1024 * 1024

    /// Connects to the daemon's socket.
    public static func connect(
        socketPath: String, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        maximumFrameSize: Int = RPCConnection.defaultMaximumReplySize
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
            throw RPCError(.unavailable, Self.unreachable(socketPath, error))
        }
    }

    public func close() async {
        try? await channel.close()
    }

    /// Why the daemon at `path` can't be reached, in words a user can act on.
    static func unreachable(_ path: String, _ error: any Error) -> String {
        switch (error as? IOError)?.errnoCode {
        case ENOENT, ECONNREFUSED:
            "no heraldd is listening at \(path) (is it running? the socket comes from --socket or HERALD_SOCKET)"
        case EACCES, EPERM:
            "not allowed to connect to \(path): permission denied (heraldd --socket-mode and --allow-uid decide who may)"
        default:
            "cannot connect to heraldd at \(path): \(error)"
        }
    }

    /// Makes a unary call and returns the reply's message bytes, or throws its RPCError.
    public func unary(_ method: String, _ message: [UInt8], timeout: Duration? = nil) async throws -> [UInt8] {
        let request = envelope(method, message, timeout: timeout)
        let channel = self.channel
        let handler = self.handler
        return try await withCheckedThrowingContinuation { continuation in
            channel.eventLoop.execute {
                guard handler.value.open(request.callID, .unary(continuation)) else { return }
                Self.send(request, on: channel)
            }
        }
    }

    private func envelope(_ method: String, _ message: [UInt8], timeout: Duration?) -> RequestEnvelope {
        let id = nextCallID.add(1, ordering: .relaxed).newValue
        let milliseconds = timeout.map { UInt64(max(1, $0.milliseconds)) } ?? 0
        return RequestEnvelope(callID: id, method: method, timeoutMilliseconds: milliseconds, message: message)
    }

    private static func send(_ request: RequestEnvelope, on channel: Channel) {
        var buffer = channel.allocator.buffer(capacity: request.message.count + 64)
        buffer.writeFrame { $0.writeBytes(request.wireBytes()) }
        channel.writeAndFlush(buffer, promise: nil)
    }

    public func unary<Response: WireMessage>(
        _ method: String, _ request: some WireMessage, timeout: Duration? = nil, as type: Response.Type = Response.self
    ) async throws -> Response {
        try Response(wireBytes: try await unary(method, request.wireBytes(), timeout: timeout))
    }

    /// Makes a call and streams its reply messages. Ending the iteration early cancels the call.
    public func stream(_ method: String, _ message: [UInt8], timeout: Duration? = nil) -> AsyncThrowingStream<[UInt8], any Error> {
        let request = envelope(method, message, timeout: timeout)
        let id = request.callID
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        let channel = self.channel
        let handler = self.handler
        channel.eventLoop.execute {
            guard handler.value.open(id, .stream(continuation)) else { return }
            Self.send(request, on: channel)
        }
        continuation.onTermination = { reason in
            guard case .cancelled = reason else { return }
            channel.eventLoop.execute {
                guard handler.value.abandon(id) else { return }
                Self.send(RequestEnvelope(callID: id, method: "", cancel: true), on: channel)
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

    enum Pending {
        case unary(CheckedContinuation<[UInt8], any Error>)
        case stream(AsyncThrowingStream<[UInt8], any Error>.Continuation)

        func fail(_ error: any Error) {
            switch self {
            case .unary(let continuation): continuation.resume(throwing: error)
            case .stream(let continuation): continuation.finish(throwing: error)
            }
        }
    }

    private var calls: [UInt64: Pending] = [:]
    private var closed = false

    /// Registers a call; false (and the call failed) when the connection is already closed.
    func open(_ id: UInt64, _ pending: Pending) -> Bool {
        if closed {
            pending.fail(RPCError.connectionClosed)
            return false
        }
        calls[id] = pending
        return true
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
        guard let pending = calls[response.callID] else { return }
        if response.endOfStream { calls.removeValue(forKey: response.callID) }
        if let error = response.error {
            pending.fail(error)
            return
        }
        switch pending {
        case .unary(let continuation):
            // A unary reply is its end-of-stream response; an empty message decodes as all defaults.
            if response.endOfStream {
                continuation.resume(returning: response.message)
            } else {
                calls.removeValue(forKey: response.callID)
                continuation.resume(throwing: RPCError(.internalError, "a unary call got a streamed reply"))
            }
        case .stream(let continuation):
            // A bare end-of-stream carries no message.
            if !response.endOfStream || !response.message.isEmpty { continuation.yield(response.message) }
            if response.endOfStream { continuation.finish() }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        let open = calls
        calls.removeAll()
        for pending in open.values { pending.fail(RPCError.connectionClosed) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
