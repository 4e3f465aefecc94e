import NIOCore
import NIOHTTP1

/// A POST to send: the head and the whole body.
struct HTTPSRequest: Sendable {
    var head: HTTPRequestHead
    var body: ByteBuffer
}

/// What came back: the status, the headers, and at most the first `limit` bytes of the body.
struct HTTPSResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
    /// The connection may carry another request.
    var reusable: Bool
}

/// One request on its way: waiting for a connection, then on one. Confined to its pool's event loop.
final class Exchange {
    let request: HTTPSRequest
    let promise: EventLoopPromise<HTTPSResponse>
    /// The connection carrying it, once it has one.
    var connection: ExchangeHandler?
    var timeout: Scheduled<Void>?
    private(set) var isFinished = false

    init(request: HTTPSRequest, promise: EventLoopPromise<HTTPSResponse>) {
        self.request = request
        self.promise = promise
    }

    func finish(_ result: Result<HTTPSResponse, any Error>) {
        guard !isFinished else { return }
        isFinished = true
        timeout?.cancel()
        promise.completeWith(result)
    }
}

/// The last handler of a pooled connection: sends one exchange's request at a time and collects its
/// response, keeping at most `responseLimit` bytes of the body. A response that goes over the limit
/// ends the exchange there and the connection with it, so an endless body costs nothing.
final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let responseLimit: Int
    private var context: ChannelHandlerContext?
    private var current: Exchange?
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    init(responseLimit: Int) {
        self.responseLimit = responseLimit
    }

    var isActive: Bool { context?.channel.isActive ?? false }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func start(_ exchange: Exchange) {
        guard let context, context.channel.isActive else {
            return exchange.finish(.failure(SendError("the connection closed before the request was sent")))
        }
        current = exchange
        exchange.connection = self
        head = nil
        body.clear()
        context.write(wrapOutboundOut(.head(exchange.request.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.request.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Set by the pool when it stops counting this connection.
    var isRetired = false
    /// When the connection last came free.
    var idleSince = NIODeadline.uptimeNanoseconds(0)

    func close() {
        current = nil
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard current != nil else { return }
        switch unwrapInboundIn(data) {
        case .head(let response):
            // An interim response (100 Continue, 103 Early Hints) comes before the real one.
            if response.status.code >= 200 || response.status == .switchingProtocols { head = response }
        case .body(var part):
            let room = responseLimit - body.readableBytes
            if part.readableBytes >= room {
                if let slice = part.readSlice(length: room) { body.writeImmutableBuffer(slice) }
                complete(reusable: false)
                // The rest of an endless body would still be read, and dropped, for as long as the
                // peer sends, and TLS's closing handshake reads on until the peer answers it: no
                // more reads, then closed.
                try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
                context.close(promise: nil)
            } else {
                body.writeBuffer(&part)
            }
        case .end:
            complete(reusable: head?.isKeepAlive ?? false)
        }
    }

    private func complete(reusable: Bool) {
        guard let exchange = current, let head else { return }
        current = nil
        exchange.finish(.success(HTTPSResponse(status: head.status, headers: head.headers, body: body, reusable: reusable)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SendError("the connection closed before the response was complete"))
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        guard let exchange = current else { return }
        current = nil
        exchange.finish(.failure(error))
    }
}
