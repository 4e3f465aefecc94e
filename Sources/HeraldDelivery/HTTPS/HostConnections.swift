import DequeModule
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Keep-alive HTTPS/1.1 connections to one host, every one of them to the same checked address.
/// TLS still verifies the certificate against the host's name. All state lives on one event loop,
/// so nothing here takes a lock: a request is handed to the loop, and its response comes back on it.
///
/// A request takes an idle connection, or opens one while there are fewer than `maximumConnections`,
/// or waits for the first to come free. Its timeout covers the wait too.
final class HostConnections: @unchecked Sendable {
    struct Settings {
        var maximumConnections = 16
        var connectTimeout: TimeAmount = .seconds(10)
        /// Closes a connection idle this long, before servers' usual keep-alive limits.
        var idleTimeout: TimeAmount = .seconds(30)
        var responseLimit = 64 * 1024
    }

    /// The name TLS verifies and SNI sends; nil for an IP literal, which is verified as an address.
    let serverName: String?
    let address: SocketAddress
    let eventLoop: any EventLoop
    private let tls: NIOSSLContext
    private let settings: Settings
    private var idle: [ExchangeHandler] = []
    private var waiting = Deque<Exchange>()
    private var open = 0
    private var draining = false
    private var sweep: Scheduled<Void>?

    init(serverName: String?, address: SocketAddress, eventLoop: any EventLoop, tls: NIOSSLContext, settings: Settings) {
        self.serverName = serverName
        self.address = address
        self.eventLoop = eventLoop
        self.tls = tls
        self.settings = settings
    }

    func execute(_ request: HTTPSRequest, timeout: TimeAmount) -> EventLoopFuture<HTTPSResponse> {
        let promise = eventLoop.makePromise(of: HTTPSResponse.self)
        let start: @Sendable () -> Void = {
            let exchange = Exchange(request: request, promise: promise)
            exchange.timeout = self.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                // The connection's next bytes would belong to the abandoned response.
                if let connection = exchange.connection { self.retire(connection) }
                exchange.finish(.failure(SendError("timed out after \(timeout.nanoseconds / 1_000_000) ms")))
            }
            self.submit(exchange)
        }
        // The reactor calls from this loop already: no need to go round it once more.
        if eventLoop.inEventLoop { start() } else { eventLoop.execute(start) }
        return promise.futureResult
    }

    /// Closes idle connections now and busy ones when their exchange ends: a newer pin replaced this one.
    func drain() {
        eventLoop.execute {
            self.draining = true
            self.closeIdleIfDraining()
        }
    }

    private func submit(_ exchange: Exchange) {
        while let connection = idle.popLast() {
            if connection.isActive { return assign(exchange, to: connection) }
        }
        waiting.append(exchange)
        if open < settings.maximumConnections { connect() }
    }

    private func assign(_ exchange: Exchange, to connection: ExchangeHandler) {
        exchange.promise.futureResult.assumeIsolated().whenComplete { result in
            if case .success(let response) = result, response.reusable, connection.isActive {
                self.release(connection)
            } else {
                self.retire(connection)
            }
        }
        connection.start(exchange)
    }

    /// A connection is free: the longest-waiting request takes it, or it goes idle.
    private func release(_ connection: ExchangeHandler) {
        while let exchange = waiting.popFirst() {
            if !exchange.isFinished { return assign(exchange, to: connection) }
        }
        connection.idleSince = .now()
        idle.append(connection)
        closeIdleIfDraining()
        if sweep == nil, !idle.isEmpty { scheduleSweep() }
    }

    /// Closes connections idle longer than the idle timeout, before servers tire of them. The idle
    /// list is a stack, so the longest idle are at its bottom.
    private func scheduleSweep() {
        sweep = eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(settings.idleTimeout.nanoseconds / 2)) { [self] in
            sweep = nil
            let now = NIODeadline.now()
            while let oldest = idle.first, now - oldest.idleSince >= settings.idleTimeout { retire(oldest) }
            if !idle.isEmpty { scheduleSweep() }
        }
    }

    private func closeIdleIfDraining() {
        guard draining, waiting.isEmpty else { return }
        for connection in idle { retire(connection) }
    }

    private func connect() {
        open += 1
        let (tls, serverName, settings) = (self.tls, self.serverName, self.settings)
        ClientBootstrap(group: eventLoop)
            .connectTimeout(settings.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    // Every header is ours and made of checked parts; NIO needn't check each again.
                    try pipeline.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try pipeline.addHandler(ExchangeHandler(responseLimit: settings.responseLimit))
                }
            }
            .connect(to: address)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    guard let connection = try? channel.pipeline.syncOperations.handler(type: ExchangeHandler.self) else {
                        channel.close(promise: nil)
                        return self.connectFailed(SendError("could not set up the connection"))
                    }
                    channel.closeFuture.assumeIsolated().whenComplete { _ in self.retire(connection) }
                    self.release(connection)
                case .failure(let error):
                    self.connectFailed(error)
                }
            }
    }

    /// The request that has waited longest gets the error; the next one gets a connection attempt of its own.
    private func connectFailed(_ error: any Error) {
        open -= 1
        while let exchange = waiting.popFirst() {
            if !exchange.isFinished {
                exchange.finish(.failure(error))
                break
            }
        }
        if !waiting.isEmpty, open < settings.maximumConnections { connect() }
    }

    /// Stops counting a connection the moment it is given up, not when its close completes: a TLS
    /// close can wait a while for the peer's reply, and waiting requests need a connection now.
    private func retire(_ connection: ExchangeHandler) {
        guard !connection.isRetired else { return }
        connection.isRetired = true
        open -= 1
        idle.removeAll { $0 === connection }
        connection.close()
        if !waiting.isEmpty, open < settings.maximumConnections { connect() }
    }
}
