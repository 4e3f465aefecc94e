import HeraldCore
import HeraldDelivery
import HeraldStore
import HeraldWire
import Logging
import NIOCore

/// The methods of `herald.v1.Herald`. Reads run inline on the event loop, from the in-memory
/// integrations view: a lookup costs less than a hop to another thread would.
public final class HeraldService: CallHandler {
    let store: any EventLog
    let integrations: IntegrationsCache
    let commands: IntegrationCommands
    let deliveries: DeliveryCommands
    let sender: WebhookSender
    let socketPath: String
    let startedAt: Int64
    let logger: Logger
    let tracker: CallTracker
    let reactorProgress: @Sendable () -> DeliveryReactor.Progress?
    /// Told to clients in GetStatus, so that one can refuse an input too large before sending it.
    let maximumFrameSize: Int

    public static let version = HeraldVersion.current

    public init(store: any EventLog, commands: IntegrationCommands, deliveries: DeliveryCommands, sender: WebhookSender,
                tracker: CallTracker, socketPath: String, startedAt: Int64, logger: Logger,
                maximumFrameSize: Int = FrameDecoder.defaultMaximumFrameSize,
                reactorProgress: @escaping @Sendable () -> DeliveryReactor.Progress? = { nil }) {
        self.maximumFrameSize = maximumFrameSize
        self.reactorProgress = reactorProgress
        self.store = store
        self.deliveries = deliveries
        self.sender = sender
        self.integrations = store.integrations
        self.tracker = tracker
        self.commands = commands
        self.socketPath = socketPath
        self.startedAt = startedAt
        self.logger = logger
    }

    public func handle(_ call: ServerCall) {
        switch call.method {
        case Method.connectIntegration:
            command(call, V1.ConnectIntegrationRequest.self) { [commands] request, done in
                commands.connect(request, deadline: call.continuousDeadline, done)
            }
        case Method.editIntegration:
            command(call, V1.EditIntegrationRequest.self) { [commands] request, done in
                commands.edit(request, deadline: call.continuousDeadline, done)
            }
        case Method.resetIntegration:
            command(call, V1.IntegrationRef.self) { [commands] request, done in
                commands.reset(IntegrationID(request.integrationId), deadline: call.continuousDeadline, done)
            }
        case Method.reconnectIntegration:
            command(call, V1.ReconnectIntegrationRequest.self) { [commands] request, done in
                commands.reconnect(request, deadline: call.continuousDeadline, done)
            }
        case Method.getIntegration:
            query(call, V1.IntegrationRef.self) { [integrations] request in
                let id = IntegrationID(request.integrationId)
                guard let found = integrations.integration(id) else {
                    throw DomainError.notFound("no integration \(id)")
                }
                return V1.IntegrationResponse(integration: V1.Integration(found))
            }
        case Method.listIntegrations:
            query(call, V1.ListIntegrationsRequest.self) { [integrations] request in
                let project = request.projectId.isEmpty ? nil : request.projectId
                let found = integrations.list(projectID: project)
                return V1.ListIntegrationsResponse(integrations: found.map(V1.Integration.init))
            }
        case Method.getStatus:
            query(call, V1.GetStatusRequest.self) { [store, socketPath, startedAt, reactorProgress, maximumFrameSize, deliveries] _ in
                let head = try store.head()
                let projections = try store.checkpoints().map {
                    V1.ProjectionStatus(name: $0.name, checkpoint: $0.position, lag: head - min(head, $0.position))
                }
                let reactor = reactorProgress()
                return V1.StatusResponse(headPosition: head, projections: projections, socketPath: socketPath,
                                         databasePath: store.location.address, version: Self.version, startedAtUnixMs: startedAt,
                                         reactorPosition: reactor?.position ?? 0, deliveriesQueued: UInt64(reactor?.queued ?? 0),
                                         deliveriesInFlight: UInt64(reactor?.inFlight ?? 0),
                                         maxFrameBytes: UInt32(clamping: maximumFrameSize),
                                         maxEventBytes: UInt32(clamping: deliveries.maximumEventBytes))
            }
        case Method.rotateSecret:
            command(call, V1.IntegrationRef.self) { [commands] request, done in
                commands.rotateSecret(IntegrationID(request.integrationId), deadline: call.continuousDeadline, done)
            }
        case Method.publishEvent:
            guard let request = decode(call, V1.PublishEventRequest.self) else { return }
            deliveries.publish(request, deadline: call.continuousDeadline) { [self] result in
                switch result {
                case .success(let published):
                    call.reply {
                        V1.PublishEventResponse(eventId: published.publication.event.eventID,
                                                deliveries: published.deliveries.map { V1.Delivery($0) },
                                                duplicate: published.duplicate)
                    }
                case .failure(let error):
                    call.fail(rpcError(error))
                }
            }
        case Method.listDeliveries:
            query(call, V1.ListDeliveriesRequest.self) { [store] request in
                if !request.status.isEmpty, DeliveryStatus(rawValue: request.status) == nil {
                    throw DomainError.invalidArgument(
                        "unknown status '\(request.status)'; one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !request.eventType.isEmpty, EventType(rawValue: request.eventType) == nil {
                    throw DomainError.invalidArgument("unknown event type '\(request.eventType)'")
                }
                let filter = DeliveryFilter(
                    integrationID: request.integrationId.isEmpty ? nil : IntegrationID(request.integrationId),
                    status: DeliveryStatus(rawValue: request.status), eventType: EventType(rawValue: request.eventType))
                let found = try store.read {
                    try $0.deliveries(matching: filter, limit: request.limit == 0 ? 100 : Int(min(request.limit, 10_000)))
                }
                return V1.ListDeliveriesResponse(deliveries: found.map { V1.Delivery($0) })
            }
        case Method.getDelivery:
            query(call, V1.DeliveryRef.self) { [store] request in
                let id = DeliveryID(request.deliveryId)
                let (delivery, attempts) = try store.read { views in (try views.delivery(id), try views.attempts(of: id)) }
                guard let delivery else { throw DomainError.notFound("no delivery \(id)") }
                return V1.DeliveryResponse(delivery: V1.Delivery(delivery, attempts: attempts))
            }
        case Method.retryDelivery:
            guard let request = decode(call, V1.DeliveryRef.self) else { return }
            deliveries.retry(DeliveryID(request.deliveryId), deadline: call.continuousDeadline) { [self] result in
                switch result {
                case .success(let delivery):
                    let attempts = (try? store.read { try $0.attempts(of: delivery.id) }) ?? []
                    call.reply { V1.DeliveryResponse(delivery: V1.Delivery(delivery, attempts: attempts)) }
                case .failure(let error):
                    call.fail(rpcError(error))
                }
            }
        case Method.testIntegration:
            guard let request = decode(call, V1.IntegrationRef.self) else { return }
            guard let integration = integrations.integration(IntegrationID(request.integrationId)) else {
                return call.fail(RPCError(.notFound, "no integration \(request.integrationId)"))
            }
            Task { [sender] in
                let sample = PublishedEvent.sample(projectID: integration.projectID, type: integration.events.first ?? .testCaseCreated)
                let body = PayloadFormatter.payload(for: sample.notification, platform: integration.platform).serialized()
                let started = SystemClock.milliseconds()
                let result = await sender.send(url: integration.url, body: Array(body.utf8), id: "test_" + sample.eventID,
                                               signingSecret: integration.signingSecret)
                let attempt = V1.DeliveryAttempt(
                    number: 1, startedAtUnixMs: started, durationMs: UInt32(clamping: result.duration.milliseconds),
                    httpStatus: result.httpStatus ?? 0, error: result.error, responseSnippet: result.responseSnippet,
                    location: result.location, outcome: result.isSuccess ? "delivered" : "failed")
                call.reply(V1.TestIntegrationResponse(delivered: result.isSuccess, attempt: attempt))
            }
        case Method.watchDeliveries:
            guard let request = decode(call, V1.WatchDeliveriesRequest.self) else { return }
            DeliveryWatcher(store: store, call: call, integrationID: request.integrationId.isEmpty ? nil : request.integrationId,
                            tracker: tracker).start()
        case Method.readEvents:
            guard let request = decode(call, V1.ReadEventsRequest.self) else { return }
            EventStreamer(store: store, call: call, request: request, tracker: tracker).start()
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

    private func command<Request: WireMessage>(
        _ call: ServerCall, _ type: Request.Type,
        _ body: (Request, @escaping IntegrationCommands.Completion) -> Void
    ) {
        guard let request = decode(call, type) else { return }
        body(request) { [self] result in
            switch result {
            case .success(let outcome):
                call.reply {
                    V1.IntegrationResponse(
                        integration: V1.Integration(outcome.integration),
                        webhookUrl: outcome.setURL ? outcome.integration.url : "",
                        signingSecret: outcome.setSecret ? outcome.integration.signingSecret : "")
                }
            case .failure(let error):
                call.fail(rpcError(error))
            }
        }
    }

    private func replay(_ call: ServerCall) {
        Task { [store, logger] in
            do {
                let started = ContinuousClock.now
                let processed = try await store.rebuildViews(every: 5_000) { processed, total in
                    call.stream(V1.ReplayProgress(processed: processed, total: total, done: false))
                }
                call.stream(V1.ReplayProgress(processed: processed, total: processed, done: true))
                call.finish()
                logger.info("projections rebuilt", metadata: [
                    "events": "\(processed)", "duration": "\(ContinuousClock.now - started)",
                ])
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
            let code: StatusCode = switch error.kind {
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
            default: return RPCError(.failedPrecondition, error.description)
            }
        case let error as WireDecodingError:
            return RPCError(.invalidArgument, error.message)
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
