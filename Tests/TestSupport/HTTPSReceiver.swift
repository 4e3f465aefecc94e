import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A real HTTPS server on 127.0.0.1 that records every request it gets and answers as the test
/// says: by default 200, or whatever `respond` returns for the n-th request (counting from 0).
public final class HTTPSReceiver: Sendable {
    public struct Request: Sendable {
        public let method: String
        public let uri: String
        public let headers: [(String, String)]
        public let body: [UInt8]
        public let receivedAt: ContinuousClock.Instant

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: String
        public var delay: Duration
        /// Holds the answer back until the test opens the gate: a window a test must observe can't
        /// close before it looks, however slow the machine.
        public var heldBy: Gate?

        public init(
            status: Int = 200, headers: [(String, String)] = [], body: String = "ok", delay: Duration = .zero,
            heldBy: Gate? = nil
        ) {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
            self.heldBy = heldBy
        }
    }

    /// Shut until `open`; what waits on it runs once it opens (at once, if it is open already).
    public final class Gate: Sendable {
        private let state = Mutex<(isOpen: Bool, waiting: [@Sendable () -> Void])>((false, []))

        public init() {}

        public func open() {
            let waiting = state.withLock { state in
                state.isOpen = true
                defer { state.waiting = [] }
                return state.waiting
            }
            for action in waiting { action() }
        }

        func whenOpen(_ action: @escaping @Sendable () -> Void) {
            let runNow = state.withLock { state in
                if !state.isOpen { state.waiting.append(action) }
                return state.isOpen
            }
            if runNow { action() }
        }
    }

    private let state = Mutex<(requests: [Request], connections: Int, count: Int, first: Request?)>(([], 0, 0, nil))
    private let recordsRequests: Bool
    private let respond: @Sendable (Int, Request) -> Response
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: Channel
    public let port: Int

    /// With `recordsRequests` false (for benchmarks) only the count and the first request are kept.
    public init(
        certificates: TestCertificates, recordsRequests: Bool = true,
        respond: @escaping @Sendable (Int, Request) -> Response = { _, _ in Response() }
    ) async throws {
        self.respond = respond
        self.recordsRequests = recordsRequests
        let context = try certificates.serverContext()
        let box = ReceiverBox()
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                box.receiver?.connected()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = channel.localAddress?.port ?? 0
        box.receiver = self
    }

    public var requests: [Request] { state.withLock { $0.requests } }
    public var requestCount: Int { state.withLock { $0.count } }
    public var firstRequest: Request? { state.withLock { $0.first } }
    /// TCP connections accepted, to tell keep-alive from a new connection per request.
    public var connections: Int { state.withLock { $0.connections } }

    public func url(_ path: String = "/hook") -> String { "https://localhost:\(port)\(path)" }

    /// Waits until at least `count` requests have come, or `timeout` passes.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(20)) async -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = requests
            if seen.count >= count { return seen }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return requests
    }

    public func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func connected() { state.withLock { $0.connections += 1 } }

    fileprivate func received(_ request: Request) -> Response {
        let index = state.withLock { state in
            if recordsRequests { state.requests.append(request) }
            if state.first == nil { state.first = request }
            state.count += 1
            return state.count - 1
        }
        return respond(index, request)
    }
}

private final class ReceiverBox: @unchecked Sendable {
    weak var receiver: HTTPSReceiver?
}

private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let box: ReceiverBox
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(box: ReceiverBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head, let receiver = box.receiver else { return }
            let request = HTTPSReceiver.Request(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: body, receivedAt: .now)
            let response = receiver.received(request)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let send: @Sendable () -> Void = {
                let context = loopBound.value
                var headers = HTTPHeaders(response.headers)
                headers.replaceOrAdd(name: "content-length", value: String(response.body.utf8.count))
                context.write(
                    NIOAny(
                        HTTPServerResponsePart.head(
                            HTTPResponseHead(
                                version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers))), promise: nil)
                context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
            }
            if let gate = response.heldBy {
                let eventLoop = context.eventLoop
                gate.whenOpen { eventLoop.execute { send() } }
            } else if response.delay > .zero {
                context.eventLoop.scheduleTask(
                    in: .milliseconds(
                        response.delay.components.seconds * 1000
                            + response.delay.components.attoseconds / 1_000_000_000_000_000)
                ) { send() }
            } else {
                send()
            }
        }
    }
}
