import HeraldCore
import HeraldStore
import HeraldWire

/// Runs integration commands: validation first, on the caller's thread; then the DNS check when a
/// new URL needs one; then the decider inside the writer's transaction, where its state can't
/// change under it.
///
/// Commands complete through a callback rather than `async`: on the hot path a command goes from
/// the event loop straight to the writer and back, with no task to schedule in between.
public struct IntegrationCommands: Sendable {
    let store: any EventLog
    let decider: IntegrationDecider
    let resolver: HostResolver

    public init(store: any EventLog, decider: IntegrationDecider, resolver: HostResolver) {
        self.store = store
        self.decider = decider
        self.resolver = resolver
    }

    /// The integration after the command, and whether the command set its URL.
    public struct Outcome: Sendable {
        public let integration: Integration
        public let setURL: Bool
        /// The reply shows the signing secret: this command created or rotated it.
        public var setSecret = false
    }

    public typealias Completion = @Sendable (Result<Outcome, any Error>) -> Void

    public func connect(_ request: V1.ConnectIntegrationRequest, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        let id = IntegrationID.random(now: UInt64(SystemClock.milliseconds()))
        let command = IntegrationCommand.connect(.init(
            id: id, projectID: request.projectId, platform: request.platform, name: request.name, url: request.url,
            events: request.events,
            signingSecret: (try? Platform(validating: request.platform)) == .custom ? SigningSecret.random() : ""))
        execute(command, on: id, platform: nil, deadline: deadline, completion)
    }

    public func edit(_ request: V1.EditIntegrationRequest, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        let command = IntegrationCommand.edit(.init(name: request.name, url: request.url, events: request.events))
        execute(command, on: IntegrationID(request.integrationId), deadline: deadline, completion)
    }

    public func reset(_ id: IntegrationID, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        execute(.reset, on: id, deadline: deadline, completion)
    }

    public func rotateSecret(_ id: IntegrationID, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        execute(.rotateSecret(secret: SigningSecret.random()), on: id, deadline: deadline, completion)
    }

    public func reconnect(_ request: V1.ReconnectIntegrationRequest, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        execute(.reconnect(url: request.url), on: IntegrationID(request.integrationId), deadline: deadline, completion)
    }

    /// For commands on an existing integration, its platform comes from the view: URLs are checked
    /// against it, and it never changes.
    private func execute(_ command: IntegrationCommand, on id: IntegrationID, deadline: ContinuousClock.Instant?,
                         _ completion: @escaping Completion) {
        guard let current = store.integrations.integration(id) else {
            return completion(.failure(DomainError.notFound("no integration \(id)")))
        }
        execute(command, on: id, platform: current.platform, deadline: deadline, completion)
    }

    private func execute(_ command: IntegrationCommand, on id: IntegrationID, platform: Platform?,
                         deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        let validated: IntegrationDecider.Validated
        do {
            validated = try decider.validated(command, platform: platform)
        } catch {
            return completion(.failure(error))
        }
        let valid = validated.command
        let write: @Sendable () -> Void = { [store, decider] in
            store.write(deadline: deadline, { transaction in
                let state: Integration? = if case .connect(let connected) = valid {
                    try transaction.integration(projectID: connected.projectID, url: connected.url)
                } else {
                    try transaction.integration(id)
                }
                let events = try decider.decide(valid: valid, state: state)
                if events.isEmpty, let state { return Outcome(integration: state, setURL: false) }
                let isNew = if case .connect = valid { true } else { false }
                return try Self.append(events, to: id, after: isNew ? nil : state, transaction)
            }, completion: completion)
        }
        guard let host = validated.hostToResolve else { return write() }
        resolver.check(host: host) { error in
            if let error { completion(.failure(error)) } else { write() }
        }
    }

    private static func append(
        _ events: [IntegrationEvent], to id: IntegrationID, after state: Integration?, _ transaction: any UnitOfWork
    ) throws -> Outcome {
        let recorded = try transaction.append(to: id.stream, expectedVersion: state?.version ?? 0, events.map { event in
            let stored = StoredEvent.encode(event)
            return NewEvent(type: stored.type, payload: stored.payload)
        })
        // The same fold the projection just ran, without reading its row back.
        var after = state
        for (event, record) in zip(events, recorded) { after = Integration.evolve(after, event, recordedAt: record.recordedAt) }
        guard let after else { throw DomainError(.internalError, "integration \(id) has no state after a write") }
        let setURL = events.contains { event in
            switch event {
            case .connected: true
            case .edited(let edit): edit.url != nil
            case .reconnected(let url): url != nil
            case .reset, .secretRotated: false
            }
        }
        let setSecret = events.contains { event in
            switch event {
            case .connected(let connected): !connected.signingSecret.isEmpty
            case .secretRotated: true
            default: false
            }
        }
        // A reset cancels the integration's open deliveries, and an edit those of event types it
        // no longer takes, in this same transaction.
        let cancels = events.contains { event in
            switch event {
            case .reset: true
            case .edited(let edit): edit.events != nil
            default: false
            }
        }
        let open = cancels ? try transaction.openDeliveries(of: id) : []
        for event in events where cancels {
            for (delivery, reason) in DeliveryDecider().cancellations(after: event, of: after, open: open) {
                let stored = StoredEvent.encode(DeliveryEvent.cancelled(reason: reason))
                try transaction.append(to: delivery.id.stream, expectedVersion: delivery.version,
                                       [NewEvent(type: stored.type, payload: stored.payload)])
            }
        }
        return Outcome(integration: after, setURL: setURL, setSecret: setSecret)
    }
}
