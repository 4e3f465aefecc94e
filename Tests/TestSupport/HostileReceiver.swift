import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A receiver on 127.0.0.1 that misbehaves as an endpoint on the internet may: it holds the TLS
/// handshake open and never answers, or answers one byte a second, or answers without end. It
/// counts what it managed to send, so a test can tell how much of an endless answer was taken.
public final class HostileReceiver: Sendable {
    public enum Behaviour: Sendable {
        /// Accepts the TCP connection and never speaks: the TLS handshake never completes.
        case holdHandshake
        /// Completes TLS, reads the request, then sends a valid answer one byte a second.
        case trickle
        /// Completes TLS, reads the request, then sends a 200 that announces `bytes` and sends
        /// them as fast as the peer reads.
        case flood(bytes: Int)
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    private let sent = Atomic<Int>(0)
    public let port: Int

    public init(_ behaviour: Behaviour, certificates: TestCertificates) async throws {
        let context = try certificates.serverContext()
        let counter = SentCounter()
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if case .holdHandshake = behaviour { return }
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(Misbehaviour(behaviour, counter: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
        counter.receiver = self
    }

    /// Bytes of its answers written to the TLS layer so far.
    public var bytesSent: Int { sent.load(ordering: .relaxed) }

    public func url(_ path: String = "/hook") -> String { "https://localhost:\(port)\(path)" }

    public func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func count(_ bytes: Int) { sent.add(bytes, ordering: .relaxed) }
}

private final class SentCounter: @unchecked Sendable {
    // Set once, before the first connection.
    weak var receiver: HostileReceiver?
}

private final class Misbehaviour: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behaviour: HostileReceiver.Behaviour
    let counter: SentCounter
    var answering = false
    var remaining = 0

    init(_ behaviour: HostileReceiver.Behaviour, counter: SentCounter) {
        self.behaviour = behaviour
        self.counter = counter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The request's bytes are read and dropped; the first of them starts the answer.
        guard !answering else { return }
        answering = true
        switch behaviour {
        case .holdHandshake:
            return
        case .trickle:
            trickle(Array("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".utf8)[...], context: context)
        case .flood(let bytes):
            remaining = bytes
            send(Array("HTTP/1.1 200 OK\r\ncontent-length: \(bytes)\r\n\r\n".utf8), context: context)
            flood(context: context)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .flood = behaviour { flood(context: context) }
    }

    private func trickle(_ rest: ArraySlice<UInt8>, context: ChannelHandlerContext) {
        guard let byte = rest.first, context.channel.isActive else { return }
        send([byte], context: context)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .seconds(1)) { bound.value.0.trickle(rest.dropFirst(), context: bound.value.1) }
    }

    /// Writes while the peer takes it: what it doesn't read stays unsent, not queued here.
    private func flood(context: ChannelHandlerContext) {
        let chunk = 64 * 1024
        while remaining > 0, context.channel.isWritable, context.channel.isActive {
            let size = min(chunk, remaining)
            remaining -= size
            send([UInt8](repeating: UInt8(ascii: "x"), count: size), context: context)
        }
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
        let counter = self.counter
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes))).whenSuccess { counter.receiver?.count(bytes.count) }
    }
}
