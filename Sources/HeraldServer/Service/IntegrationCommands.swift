import HeraldCore
import HeraldStore
import HeraldWire

/// Runs integration commands: cheap validation first, then the DNS check, then the decider inside
/// the writer's transaction, where the state it decides from can't change under it.
public struct IntegrationCommands: Sendable {
    let store: EventStore
    let decider: IntegrationDecider
    let resolver: HostResolver

    public init(store: EventStore, decider: IntegrationDecider, resolver: HostResolver) {
        self.store = store
        self.decider = decider
        self.resolver = resolver
    }

    /// The integration after the command, and whether the command set its URL.
    public struct Outcome: Sendable {
        public let integration: Integration
        public let setURL: Bool
    }

    public func connect(_ request: V1.ConnectIntegrationRequest, deadline: ContinuousClock.Instant?) async throws -> Outcome {
        let command = IntegrationCommand.Connect(
            id: .random(now: UInt64(EventStore.systemClock())), projectID: request.projectId, platform: request.platform, name: request.name,
            url: request.url, events: request.events)
        let valid = try decider.validate(command)
        try await resolver.check(WebhookURL(validating: valid.url, platform: valid.platform, allowList: decider.allowList))
        return try await write(deadline: deadline) { [decider] transaction in
            let existing = try IntegrationsView.integration(projectID: valid.projectID, url: valid.url, in: transaction.db)
            let events = try decider.decide(.connect(command), state: existing)
            if events.isEmpty, let existing { return Outcome(integration: existing, setURL: false) }
            return try Self.append(events, to: command.id, expectedVersion: 0, transaction)
        }
    }

    public func edit(_ request: V1.EditIntegrationRequest, deadline: ContinuousClock.Instant?) async throws -> Outcome {
        let id = IntegrationID(request.integrationId)
        if let url = request.url { try await checkURL(url, of: id) }
        let edit = IntegrationCommand.Edit(name: request.name, url: request.url, events: request.events)
        return try await run(.edit(edit), on: id, deadline: deadline)
    }

    public func reset(_ id: IntegrationID, deadline: ContinuousClock.Instant?) async throws -> Outcome {
        try await run(.reset, on: id, deadline: deadline)
    }

    public func reconnect(_ request: V1.ReconnectIntegrationRequest, deadline: ContinuousClock.Instant?) async throws -> Outcome {
        let id = IntegrationID(request.integrationId)
        if let url = request.url { try await checkURL(url, of: id) }
        return try await run(.reconnect(url: request.url), on: id, deadline: deadline)
    }

    private func run(_ command: IntegrationCommand, on id: IntegrationID, deadline: ContinuousClock.Instant?) async throws -> Outcome {
        try await write(deadline: deadline) { [decider] transaction in
            let state = try IntegrationsView.integration(id, in: transaction.db)
            let events = try decider.decide(command, state: state)
            guard let state else { throw DomainError.notFound("no integration \(id)") }
            if events.isEmpty { return Outcome(integration: state, setURL: false) }
            return try Self.append(events, to: id, expectedVersion: state.version, transaction)
        }
    }

    /// Validates a new URL against the integration's platform and resolves it, before the write.
    private func checkURL(_ raw: String, of id: IntegrationID) async throws {
        guard let current = store.integrations?.integration(id) else {
            throw DomainError.notFound("no integration \(id)")
        }
        try await resolver.check(WebhookURL(validating: raw, platform: current.platform, allowList: decider.allowList))
    }

    private static func append(
        _ events: [IntegrationEvent], to id: IntegrationID, expectedVersion: UInt64, _ transaction: WriteTransaction
    ) throws -> Outcome {
        let encoded = events.map { event in
            let stored = StoredEvent.encode(event)
            return NewEvent(type: stored.type, payload: stored.payload)
        }
        try transaction.append(stream: id.stream, expectedVersion: expectedVersion, encoded)
        guard let after = try IntegrationsView.integration(id, in: transaction.db) else {
            throw DomainError(.internalError, "integration \(id) missing from its view after a write")
        }
        let setURL = events.contains { event in
            switch event {
            case .connected: true
            case .edited(let edit): edit.url != nil
            case .reconnected(let url): url != nil
            case .reset: false
            }
        }
        return Outcome(integration: after, setURL: setURL)
    }

    private func write<T: Sendable>(deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable (WriteTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            store.write(deadline: deadline, body) { continuation.resume(with: $0) }
        }
    }
}
