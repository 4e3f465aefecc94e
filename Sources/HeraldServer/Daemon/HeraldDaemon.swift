import Foundation
import HeraldApp
import HeraldCore
import HeraldDelivery
import HeraldSQLite
import HeraldStore
import HeraldWire
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Everything the daemon is told at start.
public struct DaemonConfiguration: Sendable {
    public var socketPath: String
    /// A listening socket handed over already bound (socket activation); `socketPath` names it.
    public var inheritedSocket: Int32?
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
    /// Seals webhook URLs and signing secrets before they enter the log; none keeps them in clear.
    public var secrets: SecretKeyRing = .none

    public init(socketPath: String, databasePath: String) {
        self.socketPath = socketPath
        self.databasePath = databasePath
    }

    var listenAddress: ListenAddress {
        inheritedSocket.map { .inheritedSocket(descriptor: $0, path: socketPath) } ?? .unixSocket(path: socketPath, mode: socketMode)
    }
}

/// The daemon, composed: the log, the reactor and the RPC listener, each a service of one
/// `ServiceGroup`. The group starts them together and, on graceful shutdown, stops them in reverse
/// order: the listener first (no new calls; open ones finish), then the reactor (no new attempts;
/// those in flight are recorded), then the log (closed, its WAL checkpointed away), and last the
/// threads they ran on.
public struct HeraldDaemon: Sendable {
    public let services: [any Service]
    public let app: Application

    /// Opens the log; nothing listens until the services run. `onListening` is called once the
    /// socket listens (the log is open by then), and `onStopping` as soon as a graceful shutdown
    /// begins: where heraldd tells systemd.
    public init(
        configuration: DaemonConfiguration, logger: Logger, onListening: @escaping @Sendable () -> Void = {},
        onStopping: @escaping @Sendable () -> Void = {}
    ) throws {
        let store = try SQLiteEventLog(path: configuration.databasePath, synchronous: configuration.synchronous, logger: logger)
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        // Deliveries have a loop of their own: the sender's connections and the reactor's queue,
        // which must not hold up calls on the socket.
        let deliveryGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let resources = Resources(groups: [group, deliveryGroup], threadPool: threadPool)

        var senderSettings = WebhookSender.Settings()
        senderSettings.attemptTimeout = configuration.retryPolicy.attemptTimeout
        senderSettings.caFile = configuration.caFile
        senderSettings.allowList = configuration.allowList
        // Nothing has run yet when a check fails: close what was opened.
        func abandon(_ error: any Error) -> any Error {
            Task {
                await store.close()
                await resources.shutdown()
            }
            return error
        }
        // A log whose secrets no key given opens would fail every delivery: refused at once.
        do {
            try configuration.secrets.checkOpens(store.integrations.list(projectID: nil))
        } catch {
            throw abandon(error)
        }
        let sender: WebhookSender
        do {
            sender = try WebhookSender(settings: senderSettings, eventLoop: deliveryGroup.next(), threadPool: threadPool)
        } catch {
            throw abandon(error)
        }
        var appSettings = Application.Settings()
        appSettings.allowList = configuration.allowList
        appSettings.retryPolicy = configuration.retryPolicy
        appSettings.maximumEventBytes = configuration.maximumEventBytes
        appSettings.secrets = configuration.secrets
        let progress = Mutex<DeliveryReactor?>(nil)
        let app = Application(
            store: store, settings: appSettings, hosts: HostResolver(threadPool: threadPool), sender: sender,
            logger: logger, deliveryProgress: { progress.withLock { $0?.progress } })
        var reactorSettings = DeliveryReactor.Settings()
        reactorSettings.maximumConcurrentAttempts = configuration.maximumConcurrentDeliveries
        reactorSettings.pacing = configuration.pacing
        reactorSettings.secrets = configuration.secrets
        let reactor = DeliveryReactor(store: store, deliveries: app.deliveries, sender: sender, settings: reactorSettings, logger: logger)
        progress.withLock { $0 = reactor }

        let tracker = CallTracker()
        var listenerSettings = RPCListener.Settings()
        listenerSettings.maximumFrameSize = configuration.maximumFrameSize
        listenerSettings.maximumOpenCallsPerConnection = configuration.maximumOpenCallsPerConnection
        listenerSettings.connectionWriteBound = configuration.connectionWriteBound
        listenerSettings.peerPolicy = configuration.peerPolicy
        listenerSettings.gracePeriod = configuration.shutdownGracePeriod
        let address = configuration.listenAddress
        let service = HeraldService(
            app: app, tracker: tracker, socketPath: address.path, logger: logger,
            maximumFrameSize: configuration.maximumFrameSize)
        let listener = RPCListener(
            address: address, settings: listenerSettings, handler: service, tracker: tracker,
            group: group, logger: logger, onListening: onListening)
        logger.info("log open", metadata: ["store": "\(store.location)", "head": "\(store.knownHead)", "version": "\(HeraldVersion.current)"])
        self.app = app
        services = [
            resources, StoreService(store: store, integrations: app.integrations, logger: logger), reactor, listener,
            ShutdownNotice(notice: onStopping),
        ]
    }

    /// The group that runs the services; `signals` start its graceful shutdown.
    public func serviceGroup(signals: [UnixSignal], logger: Logger) -> ServiceGroup {
        ServiceGroup(
            configuration: .init(
                // A service that ends, or fails, stops the rest in order too.
                services: services.map {
                    .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: signals,
                logger: logger))
    }
}

/// The log as a service: it was opened before the group ran, and it is closed when the group shuts
/// down, after every service that writes to it has stopped.
struct StoreService: Service {
    let store: any EventLog
    let integrations: IntegrationService
    let logger: Logger

    func run() async throws {
        await reseal()
        try? await gracefulShutdown()
        await store.close()
        logger.info("log closed")
    }
}

extension StoreService {
    /// Secrets the current key didn't seal (stored before there was a key, or under a previous
    /// key) are sealed again as soon as the log is open. A failure is logged, not fatal: it is
    /// tried again at the next start, and the deliveries open what they find meanwhile.
    func reseal() async {
        do {
            let count = try await integrations.resealAll()
            if count > 0 { logger.notice("secrets sealed again with the current key", metadata: ["integrations": "\(count)"]) }
        } catch {
            logger.error("sealing secrets again failed; tried again at the next start", metadata: ["error": "\(error)"])
        }
    }
}

/// Last in the group, so told of a graceful shutdown first: says the daemon is stopping before
/// anything else stops.
struct ShutdownNotice: Service {
    let notice: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        notice()
    }
}

/// The threads the other services run on, shut down last.
struct Resources: Service {
    let groups: [MultiThreadedEventLoopGroup]
    let threadPool: NIOThreadPool

    func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    func shutdown() async {
        for group in groups { try? await group.shutdownGracefully() }
        try? await threadPool.shutdownGracefully()
    }
}
