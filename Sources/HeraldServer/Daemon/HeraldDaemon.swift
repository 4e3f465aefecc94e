import Foundation
import HeraldCore
import HeraldDelivery
import HeraldSQLite
import HeraldStore
import HeraldWire
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Everything the daemon is told at start.
public struct DaemonConfiguration: Sendable {
    public var socketPath: String
    public var databasePath: String
    public var socketMode: UInt16 = 0o600
    public var synchronous: SQLiteEventLog.Synchronous = .full
    public var peerPolicy: PeerPolicy = .ownUIDOnly
    public var allowList: HostAllowList = .none
    public var maximumFrameSize = FrameDecoder.defaultMaximumFrameSize
    /// The most bytes of data a published event may carry; below the frame limit.
    public var maximumEventBytes = PublishedEvent.defaultDataLimit
    public var maximumOpenCallsPerConnection = 1024
    /// Bytes of replies a connection may have waiting to be written before it is no longer read
    /// from, and its streams pause (see docs/protocol.md).
    public var connectionWriteBound = 256 * 1024
    public var shutdownGracePeriod: Duration = .seconds(10)
    public var retryPolicy: RetryPolicy = .standard
    /// Extra trusted roots for HTTPS deliveries, in PEM.
    public var caFile: String?
    public var maximumConcurrentDeliveries = 64
    public var pacing: Pacing = .standard

    public init(socketPath: String, databasePath: String) {
        self.socketPath = socketPath
        self.databasePath = databasePath
    }
}

/// The daemon as a service: opens the log, listens on the socket, and on graceful shutdown stops
/// accepting, lets open calls finish, then closes the log.
public final class HeraldDaemon: Service {
    let configuration: DaemonConfiguration
    let logger: Logger
    /// Called once the socket accepts connections.
    let onListening: @Sendable () -> Void

    public init(configuration: DaemonConfiguration, logger: Logger, onListening: @escaping @Sendable () -> Void = {}) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let configuration = self.configuration
        try SocketFile.prepare(configuration.socketPath)
        let store = try SQLiteEventLog(path: configuration.databasePath, synchronous: configuration.synchronous, logger: logger)
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        // Deliveries have a loop of their own: the reactor reads the log there, which must not hold
        // up calls on the socket.
        let deliveryGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = CallTracker()
        let deliveries = DeliveryCommands(store: store, decider: DeliveryDecider(policy: configuration.retryPolicy),
                                          maximumEventBytes: configuration.maximumEventBytes)
        var senderSettings = WebhookSender.Settings()
        senderSettings.attemptTimeout = configuration.retryPolicy.attemptTimeout
        senderSettings.caFile = configuration.caFile
        senderSettings.allowList = configuration.allowList
        let sender = try WebhookSender(settings: senderSettings, eventLoop: deliveryGroup.next(), threadPool: threadPool)
        var reactorSettings = DeliveryReactor.Settings()
        reactorSettings.maximumConcurrentAttempts = configuration.maximumConcurrentDeliveries
        reactorSettings.pacing = configuration.pacing
        let reactor = DeliveryReactor(store: store, commands: deliveries, sender: sender, settings: reactorSettings, logger: logger)
        let service = HeraldService(
            store: store,
            commands: IntegrationCommands(
                store: store, decider: IntegrationDecider(allowList: configuration.allowList),
                resolver: HostResolver(threadPool: threadPool)),
            deliveries: deliveries, sender: sender,
            tracker: tracker, socketPath: configuration.socketPath, startedAt: SystemClock.milliseconds(), logger: logger,
            maximumFrameSize: configuration.maximumFrameSize,
            reactorProgress: { reactor.progress })

        let logger = self.logger
        let channel: Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.writeBufferWaterMark, value: .init(
                    low: configuration.connectionWriteBound / 2, high: configuration.connectionWriteBound))
                .childChannelInitializer { channel in
                    configuration.peerPolicy.refusal(for: channel).flatMapThrowing { refusal in
                        if let refusal { logger.notice("refusing peer", metadata: ["reason": "\(refusal)"]) }
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(FrameDecoder(maximumFrameSize: configuration.maximumFrameSize)),
                            RPCServerHandler(
                                handler: service, maximumOpenCalls: configuration.maximumOpenCallsPerConnection,
                                peerRefusal: refusal, tracker: tracker, logger: logger),
                        ])
                    }
                }
                .bind(unixDomainSocketPath: configuration.socketPath, cleanupExistingSocketFile: false)
                .get()
            try SocketFile.setMode(configuration.socketPath, configuration.socketMode)
        } catch {
            store.close()
            try? await group.shutdownGracefully()
            try? await deliveryGroup.shutdownGracefully()
            try? await threadPool.shutdownGracefully()
            throw error
        }

        let head = (try? store.head()) ?? 0
        logger.info("listening", metadata: [
            "socket": "\(configuration.socketPath)", "db": "\(configuration.databasePath)",
            "head": "\(head)", "version": "\(HeraldService.version)",
        ])
        onListening()

        // The reactor hears the same graceful shutdown: it stops starting attempts, lets those in
        // flight finish and record their outcome, and returns; only then is the log closed.
        let reactorTask = Task { try await reactor.run() }
        try? await gracefulShutdown()

        logger.info("shutting down: finishing open calls")
        tracker.startDraining()
        try? await channel.close()
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        while tracker.openCalls > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        reactor.stop()
        _ = await reactorTask.result
        store.close()
        unlink(configuration.socketPath)
        try? await group.shutdownGracefully()
        try? await deliveryGroup.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
        logger.info("stopped", metadata: ["unfinished_calls": "\(tracker.openCalls)"])
    }
}

