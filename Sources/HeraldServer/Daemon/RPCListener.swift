import Foundation
import HeraldWire
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Where the RPC server listens: a path it binds, or a socket it was handed already bound (socket
/// activation).
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    case unixSocket(path: String, mode: UInt16)
    /// A listening socket inherited from the process that started heraldd.
    case inheritedSocket(descriptor: Int32, path: String)

    /// The socket's path, as status shows it.
    public var path: String {
        switch self {
        case .unixSocket(let path, _), .inheritedSocket(_, let path): path
        }
    }

    public var description: String { path }
}

/// The RPC server as a service: listens, and on graceful shutdown stops accepting, refuses new
/// calls, ends open-ended streams, waits (up to `gracePeriod`) for open calls to finish, and closes.
public final class RPCListener: Service {
    public struct Settings: Sendable {
        public var maximumFrameSize = FrameDecoder.defaultMaximumFrameSize
        public var maximumOpenCallsPerConnection = 1024
        /// Bytes of replies a connection may have waiting to be written before it is no longer read
        /// from, and its streams pause (see docs/protocol.md).
        public var connectionWriteBound = 256 * 1024
        public var peerPolicy: PeerPolicy = .ownUIDOnly
        public var gracePeriod: Duration = .seconds(10)
        public init() {}
    }

    let address: ListenAddress
    let settings: Settings
    let handler: any CallHandler
    let tracker: CallTracker
    let group: any EventLoopGroup
    let logger: Logger
    let onListening: @Sendable () -> Void

    public init(
        address: ListenAddress, settings: Settings, handler: any CallHandler, tracker: CallTracker,
        group: any EventLoopGroup, logger: Logger, onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.address = address
        self.settings = settings
        self.handler = handler
        self.tracker = tracker
        self.group = group
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let channel = try await bind()
        logger.info("listening", metadata: ["socket": "\(address)"])
        onListening()
        // Cancellation ends the wait too; either way the listener drains.
        try? await gracefulShutdown()

        logger.info("shutting down: finishing open calls", metadata: ["open_calls": "\(tracker.openCalls)"])
        tracker.startDraining()
        try? await channel.close()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [tracker] in await tracker.waitUntilIdle() }
            group.addTask { [settings] in try? await Task.sleep(for: settings.gracePeriod) }
            await group.next()
            group.cancelAll()
        }
        if case .unixSocket(let path, _) = address { unlink(path) }
        logger.info("stopped listening", metadata: ["unfinished_calls": "\(tracker.openCalls)"])
    }

    private func bind() async throws -> any Channel {
        let (settings, handler, tracker, logger) = (self.settings, self.handler, self.tracker, self.logger)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(
                .writeBufferWaterMark,
                value: .init(
                    low: settings.connectionWriteBound / 2, high: settings.connectionWriteBound)
            )
            .childChannelInitializer { channel in
                settings.peerPolicy.refusal(for: channel).flatMapThrowing { refusal in
                    if let refusal { logger.notice("refusing peer", metadata: ["reason": "\(refusal)"]) }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FrameDecoder(maximumFrameSize: settings.maximumFrameSize)),
                        RPCServerHandler(
                            handler: handler, maximumOpenCalls: settings.maximumOpenCallsPerConnection,
                            peerRefusal: refusal, tracker: tracker, logger: logger),
                    ])
                }
            }
        switch address {
        case .unixSocket(let path, let mode):
            try SocketFile.prepare(path)
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
            do {
                try SocketFile.setMode(path, mode)
            } catch {
                try? await channel.close()
                throw error
            }
            return channel
        case .inheritedSocket(let descriptor, _):
            return try await bootstrap.withBoundSocket(descriptor).get()
        }
    }
}
