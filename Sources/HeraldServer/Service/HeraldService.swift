import HeraldApp
import HeraldCore
import HeraldStore
import HeraldWire
import Logging
import NIOCore

/// The methods of `herald.v1.Herald`, each a mapping onto the application and back: decode the
/// request, call, encode the reply. Reads from memory (integrations) are answered inline on the
/// event loop; reads of the store run in a task, and the store reads off its own threads.
public final class HeraldService: CallHandler {
    let app: Application
    let socketPath: String
    let logger: Logger
    let tracker: CallTracker
    /// Told to clients in GetStatus, so that one can refuse an input too large before sending it.
    let maximumFrameSize: Int

    public init(
        app: Application, tracker: CallTracker, socketPath: String, logger: Logger,
        maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize
    ) {
        self.app = app
        self.tracker = tracker
        self.socketPath = socketPath
        self.logger = logger
        self.maximumFrameSize = maximumFrameSize
    }

    public func handle(_ call: ServerCall) {
        let integrations = app.integrations
        // A command's deadline, as the log's clock sees it; reads from memory don't need one.
        var deadline: ContinuousClock.Instant? { call.continuousDeadline }
        switch call.method {
        case Method.connectIntegration:
            command(call, V1.ConnectIntegrationRequest.self) { request, done in
                integrations.connect(
                    .init(
                        projectID: request.projectId, platform: request.platform, name: request.name,
                        url: request.url, events: request.events), deadline: deadline, done)
            }
        case Method.editIntegration:
            command(call, V1.EditIntegrationRequest.self) { request, done in
                integrations.edit(
                    IntegrationID(request.integrationId), .init(name: request.name, url: request.url, events: request.events),
                    deadline: deadline, done)
            }
        case Method.resetIntegration:
            command(call, V1.IntegrationRef.self) { request, done in
                integrations.reset(IntegrationID(request.integrationId), deadline: deadline, done)
            }
        case Method.reconnectIntegration:
            command(call, V1.ReconnectIntegrationRequest.self) { request, done in
                integrations.reconnect(IntegrationID(request.integrationId), url: request.url, deadline: deadline, done)
            }
        case Method.rotateSecret:
            command(call, V1.IntegrationRef.self) { request, done in
                integrations.rotateSecret(IntegrationID(request.integrationId), deadline: deadline, done)
            }
        case Method.getIntegration:
            query(call, V1.IntegrationRef.self) { request in
                V1.IntegrationResponse(integration: V1.Integration(try integrations.integration(IntegrationID(request.integrationId))))
            }
        case Method.listIntegrations:
            query(call, V1.ListIntegrationsRequest.self) { request in
                V1.ListIntegrationsResponse(
                    integrations: integrations.list(projectID: request.projectId.isEmpty ? nil : request.projectId).map(V1.Integration.init))
            }
        case Method.testIntegration:
            asyncQuery(call, V1.IntegrationRef.self) { request in
                let tested = try await integrations.test(IntegrationID(request.integrationId))
                return V1.TestIntegrationResponse(delivered: tested.delivered, attempt: V1.DeliveryAttempt(tested.attempt))
            }
        case Method.getStatus:
            query(call, V1.GetStatusRequest.self) { [app, socketPath, maximumFrameSize] _ in
                let status = app.log.status()
                return V1.StatusResponse(
                    headPosition: status.head,
                    projections: status.checkpoints.map { V1.ProjectionStatus(name: $0.name, checkpoint: $0.position, lag: status.lag(of: $0)) },
                    socketPath: socketPath, databasePath: status.store.address, version: status.version,
                    startedAtUnixMs: status.startedAt, reactorPosition: status.delivery?.position ?? 0,
                    deliveriesQueued: UInt64(status.delivery?.queued ?? 0), deliveriesInFlight: UInt64(status.delivery?.inFlight ?? 0),
                    maxFrameBytes: UInt32(clamping: maximumFrameSize),
                    maxEventBytes: UInt32(clamping: app.deliveries.maximumEventBytes), secretsKeyId: status.secretsKeyID ?? "")
            }
        case Method.publishEvent:
            guard let request = decode(call, V1.PublishEventRequest.self) else { return }
            let publish = DeliveryService.Publish(
                eventID: request.eventId, projectID: request.projectId, projectName: request.projectName,
                eventType: request.eventType, timestamp: request.timestamp, dataJSON: request.dataJson)
            app.deliveries.publish(publish, deadline: deadline) { [self] result in
                switch result {
                case .success(let published):
                    call.reply {
                        V1.PublishEventResponse(
                            eventId: published.publication.event.eventID,
                            deliveries: published.deliveries.map { V1.Delivery($0) },
                            duplicate: published.duplicate)
                    }
                case .failure(let error):
                    call.fail(rpcError(error))
                }
            }
        case Method.listDeliveries:
            asyncQuery(call, V1.ListDeliveriesRequest.self) { [app] request in
                let filter = try DeliveryService.filter(integrationID: request.integrationId, status: request.status, eventType: request.eventType)
                let found = try await app.deliveries.list(filter, limit: Int(request.limit))
                return V1.ListDeliveriesResponse(deliveries: found.map { V1.Delivery($0) })
            }
        case Method.getDelivery:
            asyncQuery(call, V1.DeliveryRef.self) { [app] request in
                let shown = try await app.deliveries.show(DeliveryID(request.deliveryId))
                return V1.DeliveryResponse(delivery: V1.Delivery(shown.delivery, attempts: shown.attempts))
            }
        case Method.retryDelivery:
            guard let request = decode(call, V1.DeliveryRef.self) else { return }
            app.deliveries.retry(DeliveryID(request.deliveryId), deadline: deadline) { [self] result in
                switch result {
                case .success(let shown):
                    call.reply { V1.DeliveryResponse(delivery: V1.Delivery(shown.delivery, attempts: shown.attempts)) }
                case .failure(let error):
                    call.fail(rpcError(error))
                }
            }
        case Method.watchDeliveries:
            guard let request = decode(call, V1.WatchDeliveriesRequest.self) else { return }
            DeliveryWatcher(
                deliveries: app.deliveries, call: call,
                integrationID: request.integrationId.isEmpty ? nil : IntegrationID(request.integrationId),
                tracker: tracker
            ).start()
        case Method.readEvents:
            guard let request = decode(call, V1.ReadEventsRequest.self) else { return }
            EventStreamer(log: app.log, call: call, request: request, tracker: tracker).start()
        case Method.replay:
            guard decode(call, V1.ReplayRequest.self) != nil else { return }
            replay(call)
        default:
            call.fail(RPCError(.unimplemented, "unknown method '\(call.method)'"))
        }
    }

    private func decode<Request: WireMessage>(_ call: ServerCall, _ type: Request.Type) -> Request? {
        do {
            return try Request(wireBytes: call.message)
        } catch {
            // The error names the message or the field already.
            call.fail(RPCError(.invalidArgument, "\(error)"))
            return nil
        }
    }

    /// A query answered from memory, inline.
    private func query<Request: WireMessage>(
        _ call: ServerCall, _ type: Request.Type, _ body: (Request) throws -> some WireMessage
    ) {
        guard let request = decode(call, type) else { return }
        do {
            call.reply(try body(request))
        } catch {
            call.fail(rpcError(error))
        }
    }

    /// A query that waits (on the store, or on a receiver), in a task of its own.
    private func asyncQuery<Request: WireMessage & Sendable, Response: WireMessage & Sendable>(
        _ call: ServerCall, _ type: Request.Type, _ body: @escaping @Sendable (Request) async throws -> Response
    ) {
        guard let request = decode(call, type) else { return }
        Task { [self] in
            do {
                call.reply(try await body(request))
            } catch {
                call.fail(rpcError(error))
            }
        }
    }

    private func command<Request: WireMessage>(
        _ call: ServerCall, _ type: Request.Type,
        _ body: (Request, @escaping IntegrationService.Completion) -> Void
    ) {
        guard let request = decode(call, type) else { return }
        body(request) { [self] result in
            switch result {
            case .success(let outcome):
                call.reply {
                    V1.IntegrationResponse(
                        integration: V1.Integration(outcome.integration),
                        webhookUrl: outcome.webhookURL ?? "", signingSecret: outcome.signingSecret ?? "")
                }
            case .failure(let error):
                call.fail(rpcError(error))
            }
        }
    }

    private func replay(_ call: ServerCall) {
        Task { [app] in
            do {
                let processed = try await app.log.rebuildViews(every: 5_000) { processed, total in
                    call.stream(V1.ReplayProgress(processed: processed, total: total, done: false))
                }
                call.stream(V1.ReplayProgress(processed: processed, total: processed, done: true))
                call.finish()
            } catch {
                call.fail(rpcError(error))
            }
        }
    }

    func rpcError(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError:
            return error
        case let error as DomainError:
            let code: StatusCode =
                switch error.kind {
                case .invalidArgument: .invalidArgument
                case .notFound: .notFound
                case .alreadyExists: .alreadyExists
                case .failedPrecondition: .failedPrecondition
                case .unavailable: .unavailable
                case .internalError: .internalError
                }
            return RPCError(code, error.message)
        case let error as StoreError:
            switch error.code {
            case .versionConflict: return RPCError(.aborted, error.description)
            case .deadlineExceeded: return RPCError(.deadlineExceeded, error.description)
            case .closed: return RPCError(.unavailable, "heraldd is shutting down")
            case .unavailable: return RPCError(.unavailable, error.description)
            case .storageFull: return RPCError(.resourceExhausted, error.description)
            default: return RPCError(.failedPrecondition, error.description)
            }
        case let error as WireDecodingError:
            return RPCError(.invalidArgument, error.message)
        case let error as UndecodableEvent:
            logger.error("undecodable event", metadata: ["error": "\(error)"])
            return RPCError(.internalError, error.description)
        default:
            logger.error("internal error", metadata: ["error": "\(error)"])
            return RPCError(.internalError, "internal error; see the heraldd log")
        }
    }
}

extension V1.Integration {
    init(_ integration: Integration) {
        self.init(
            id: integration.id.rawValue, projectId: integration.projectID, platform: integration.platform.rawValue,
            name: integration.name, maskedUrl: integration.maskedURL, events: integration.events.map(\.rawValue),
            status: integration.status.rawValue, createdAtUnixMs: integration.createdAt,
            updatedAtUnixMs: integration.updatedAt, version: integration.version,
            lastAttemptAtUnixMs: integration.health.lastAttemptAt, lastHttpStatus: integration.health.lastHTTPStatus,
            lastError: integration.health.lastError, consecutiveFailures: integration.health.consecutiveFailures)
    }
}
