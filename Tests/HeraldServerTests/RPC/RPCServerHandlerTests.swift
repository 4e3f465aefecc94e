import HeraldWire
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import HeraldServer

/// The handler alone, on an embedded channel whose event loop the test turns by hand.
@Suite struct RPCServerHandlerTests {
    final class CountingHandler: CallHandler {
        let calls = Mutex(0)
        func handle(_ call: ServerCall) { calls.withLock { $0 += 1 } }
    }

    /// One read may hold thousands of small requests; the decoder hands them over one by one. The
    /// connection gets 16 of them per turn of the loop, so other connections are served between.
    @Test func aBurstIsServedAFewFramesPerTurnOfTheLoop() throws {
        let counter = CountingHandler()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(FrameDecoder()),
            RPCServerHandler(
                handler: counter, maximumOpenCalls: 1024, peerRefusal: nil, tracker: CallTracker(),
                logger: Logger(label: "test")),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        var burst = ByteBuffer()
        for id in 1...40 {
            burst.writeFrame { $0.writeBytes(RequestEnvelope(callID: UInt64(id), method: Method.getStatus).wireBytes()) }
        }
        try channel.writeInbound(burst)
        #expect(counter.calls.withLock { $0 } == RPCServerHandler.framesPerTurn)
        channel.embeddedEventLoop.run()
        #expect(counter.calls.withLock { $0 } == 40)
        _ = try? channel.finish()
    }
}
