import HeraldCore
import HeraldStore
import HeraldWire

/// Runs integration commands: cheap validation first, then the DNS check when a new URL needs one,
/// then the decider inside the writer's transaction, where its state can't change under it.
///
/// Commands complete through a callback rather than `async`: on the hot path a command goes from
/// the event loop straight to the writer and back, with no task to schedule in between.
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

    public typealias Completion = @Sendable (Result<Outcome, any Error>) -> Void

    public func connect(_ request: V1.ConnectIntegrationRequest, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        let command = IntegrationCommand.Connect(
            id: .random(now: UInt64(EventStore.systemClock())), projectID: request.projectId, platform: request.platform,
            name: request.name, url: request.url, events: request.events)
        let url: WebhookURL
        let projectID: String
        do {
            let valid = try decider.validate(command)
            projectID = valid.projectID
            url = try WebhookURL(validating: valid.url, platform: valid.platform, allowList: decider.allowList)
        } catch {
            return completion(.failure(error))
        }
        resolve(url, completion) { [decider] in
            store.write(deadline: deadline, { transaction in
                let existing = try IntegrationsView.integration(projectID: projectID, url: url.rawValue, in: transaction.db)
                let events = try decider.decide(.connect(command), state: existing)
                if events.isEmpty, let existing { return Outcome(integration: existing, setURL: false) }
                return try Self.append(events, to: command.id, after: nil, transaction)
            }, completion: completion)
        }
    }

    public func edit(_ request: V1.EditIntegrationRequest, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        let edit = IntegrationCommand.Edit(name: request.name, url: request.url, events: request.events)
        run(.edit(edit), on: IntegrationID(request.integrationId), newURL: request.url, deadline: deadline, completion)
    }

    public func reset(_ id: IntegrationID, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        run(.reset, on: id, newURL: nil, deadline: deadline, completion)
    }

    public func reconnect(_ request: V1.ReconnectIntegrationRequest, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        run(.reconnect(url: request.url), on: IntegrationID(request.integrationId), newURL: request.url, deadline: deadline, completion)
    }

    private func run(
        _ command: IntegrationCommand, on id: IntegrationID, newURL: String?, deadline: ContinuousClock.Instant?,
        _ completion: @escaping Completion
    ) {
        let write: @Sendable () -> Void = { [store, decider] in
            store.write(deadline: deadline, { transaction in
                let state = try IntegrationsView.integration(id, in: transaction.db)
                let events = try decider.decide(command, state: state)
                guard let state else { throw DomainError.notFound("no integration \(id)") }
                if events.isEmpty { return Outcome(integration: state, setURL: false) }
                return try Self.append(events, to: id, after: state, transaction)
            }, completion: completion)
        }
        guard let newURL else { return write() }
        // A new URL is checked against the integration's platform, which never changes, and resolved
        // before the write. The decider checks it again, without the network, inside the write.
        guard let current = store.integrations?.integration(id) else {
            return completion(.failure(DomainError.notFound("no integration \(id)")))
        }
        do {
            let url = try WebhookURL(validating: newURL, platform: current.platform, allowList: decider.allowList)
            resolve(url, completion, then: write)
        } catch {
            completion(.failure(error))
        }
    }

    /// Runs `then` once the URL's host is known to resolve to public addresses only.
    private func resolve(_ url: WebhookURL, _ completion: @escaping Completion, then: @escaping @Sendable () -> Void) {
        guard resolver.needsLookup(url) else { return then() }
        resolver.check(url) { error in
            if let error { completion(.failure(error)) } else { then() }
        }
    }

    private static func append(
        _ events: [IntegrationEvent], to id: IntegrationID, after state: Integration?, _ transaction: WriteTransaction
    ) throws -> Outcome {
        let recorded = try transaction.append(stream: id.stream, expectedVersion: state?.version ?? 0, events.map { event in
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
            case .reset: false
            }
        }
        return Outcome(integration: after, setURL: setURL)
    }
}
