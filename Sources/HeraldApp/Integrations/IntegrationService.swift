import HeraldCore
import HeraldStore

/// The integration use cases. A command is validated first, on the caller's thread; then the DNS
/// check runs when a new URL needs one; then the decider runs inside the log's unit of work, where
/// its state can't change under it. Queries are answered from the in-memory view.
///
/// Commands complete through a callback rather than `async`: on the hot path a command goes from
/// the event loop straight to the log's writer and back, with no task to schedule in between.
public struct IntegrationService: Sendable {
    let store: any EventLog
    let decider: IntegrationDecider
    let hosts: any HostChecking
    let sender: any WebhookSending
    let secrets: SecretKeyRing

    public init(
        store: any EventLog, decider: IntegrationDecider, hosts: any HostChecking, sender: any WebhookSending,
        secrets: SecretKeyRing = .none
    ) {
        self.store = store
        self.decider = decider
        self.hosts = hosts
        self.sender = sender
        self.secrets = secrets
    }

    /// The integration after a command, and, in clear, the secrets the command set: only those are
    /// shown, and only in the reply to it.
    public struct Outcome: Sendable {
        public let integration: Integration
        /// The webhook URL, when the command set it.
        public var webhookURL: String?
        /// The signing secret, when the command created or rotated it.
        public var signingSecret: String?
    }

    public typealias Completion = @Sendable (Result<Outcome, any Error>) -> Void

    /// What a caller gives to connect an integration, before validation.
    public struct Connect: Sendable {
        public var projectID: String
        public var platform: String
        public var name: String
        public var url: String
        public var events: [String]

        public init(projectID: String, platform: String, name: String, url: String, events: [String]) {
            self.projectID = projectID
            self.platform = platform
            self.name = name
            self.url = url
            self.events = events
        }
    }

    public func connect(_ request: Connect, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        let id = IntegrationID.random(now: UInt64(SystemClock.milliseconds()))
        let command = IntegrationCommand.connect(
            .init(
                id: id, projectID: request.projectID, platform: request.platform, name: request.name, url: request.url,
                events: request.events,
                signingSecret: (try? Platform(validating: request.platform)) == .custom ? SigningSecret.random() : ""))
        execute(command, on: id, platform: nil, deadline: deadline, completion)
    }

    public func edit(
        _ id: IntegrationID, _ edit: IntegrationCommand.Edit, deadline: ContinuousClock.Instant?,
        _ completion: @escaping Completion
    ) {
        execute(.edit(edit), on: id, deadline: deadline, completion)
    }

    public func reset(_ id: IntegrationID, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        execute(.reset, on: id, deadline: deadline, completion)
    }

    public func rotateSecret(_ id: IntegrationID, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        execute(.rotateSecret(secret: SigningSecret.random()), on: id, deadline: deadline, completion)
    }

    /// `url` nil keeps the current one.
    public func reconnect(_ id: IntegrationID, url: String?, deadline: ContinuousClock.Instant?, _ completion: @escaping Completion) {
        execute(.reconnect(url: url), on: id, deadline: deadline, completion)
    }

    public func integration(_ id: IntegrationID) throws(DomainError) -> Integration {
        guard let found = store.integrations.integration(id) else { throw .notFound("no integration \(id)") }
        return found
    }

    /// In the order they were connected; every project's when `projectID` is nil.
    public func list(projectID: String?) -> [Integration] {
        store.integrations.list(projectID: projectID)
    }

    /// How a test send went.
    public struct Tested: Sendable {
        public let delivered: Bool
        public let attempt: DeliveryEvent.Attempt
    }

    /// Sends a sample of the integration's first event type now, outside the log: nothing is
    /// recorded, and no retry follows.
    public func test(_ id: IntegrationID) async throws -> Tested {
        let integration = try integration(id)
        let sample = PublishedEvent.sample(projectID: integration.projectID, type: integration.events.first ?? .testCaseCreated)
        let body = PayloadFormatter.payload(for: sample.notification, platform: integration.platform).serialized()
        let (url, signingSecret) = try open(integration)
        let started = SystemClock.milliseconds()
        let result = await sender.send(url: url, body: Array(body.utf8), id: "test_" + sample.eventID, signingSecret: signingSecret)
        let attempt = DeliveryEvent.Attempt(
            number: 1, startedAt: started, durationMilliseconds: UInt32(clamping: result.duration.milliseconds),
            httpStatus: result.httpStatus ?? 0, error: result.error, responseSnippet: result.responseSnippet,
            location: result.location, outcome: result.isSuccess ? .delivered : .failed, nextAttemptAt: 0)
        return Tested(delivered: result.isSuccess, attempt: attempt)
    }

    /// For commands on an existing integration, its platform comes from the view: URLs are checked
    /// against it, and it never changes.
    private func execute(
        _ command: IntegrationCommand, on id: IntegrationID, deadline: ContinuousClock.Instant?,
        _ completion: @escaping Completion
    ) {
        guard let current = store.integrations.integration(id) else {
            return completion(.failure(DomainError.notFound("no integration \(id)")))
        }
        execute(command, on: id, platform: current.platform, deadline: deadline, completion)
    }

    private func execute(
        _ command: IntegrationCommand, on id: IntegrationID, platform: Platform?,
        deadline: ContinuousClock.Instant?, _ completion: @escaping Completion
    ) {
        let validated: IntegrationDecider.Validated
        do {
            validated = try decider.validated(command, platform: platform)
        } catch {
            return completion(.failure(error))
        }
        // Sealed before anything compares or stores it: sealing is deterministic, so the same URL
        // seals to the same text, and the decider compares sealed with sealed.
        let valid = secrets.sealing(validated.command)
        let write: @Sendable () -> Void = { [store, decider, secrets] in
            store.write(
                deadline: deadline,
                { unit in
                    let state: Integration? =
                        if case .connect(let connected) = valid {
                            try unit.integration(projectID: connected.projectID, url: connected.url)
                        } else {
                            try unit.integration(id)
                        }
                    let events = try decider.decide(valid: valid, state: state)
                    if events.isEmpty, let state { return Outcome(integration: state) }
                    let isNew = if case .connect = valid { true } else { false }
                    return try Self.append(events, to: id, after: isNew ? nil : state, unit, secrets: secrets)
                }, completion: completion)
        }
        guard let host = validated.hostToResolve else { return write() }
        hosts.check(host: host) { error in
            if let error { completion(.failure(error)) } else { write() }
        }
    }

    private static func append(
        _ events: [IntegrationEvent], to id: IntegrationID, after state: Integration?, _ unit: any UnitOfWork,
        secrets: SecretKeyRing
    ) throws -> Outcome {
        let recorded = try unit.append(events, to: id, expectedVersion: state?.version ?? 0)
        // The same fold the views just ran, without reading them back.
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
        // no longer takes, in this same unit of work.
        let cancels = events.contains { event in
            switch event {
            case .reset: true
            case .edited(let edit): edit.events != nil
            default: false
            }
        }
        let open = cancels ? try unit.openDeliveries(of: id) : []
        for event in events where cancels {
            for (delivery, reason) in DeliveryDecider().cancellations(after: event, of: after, open: open) {
                try unit.append([.cancelled(reason: reason)], to: delivery.id, expectedVersion: delivery.version)
            }
        }
        return Outcome(
            integration: after, webhookURL: setURL ? try secrets.open(after.url) : nil,
            signingSecret: setSecret ? try secrets.open(after.signingSecret) : nil)
    }
}

// MARK: - Secrets at rest

extension IntegrationService {
    /// An integration's URL and signing secret in clear, to send with.
    public func open(_ integration: Integration) throws(DomainError) -> (url: String, signingSecret: String) {
        do {
            return try secrets.open(integration)
        } catch {
            throw .failedPrecondition("\(integration.id): \(error)")
        }
    }

    /// Seals again, with the current key, every integration's URL and secret that it didn't seal:
    /// those stored in clear before there was a key, and those of a previous key. Each is written
    /// as an edit or a secret rotation with the same value, so the views hold only what the current
    /// key opens, and the previous key is needed no longer. Returns how many integrations changed.
    public func resealAll(deadline: ContinuousClock.Instant? = nil) async throws -> Int {
        var count = 0
        for integration in list(projectID: nil)
        where secrets.needsResealing(integration.url) || secrets.needsResealing(integration.signingSecret) {
            let changed = try await store.write(deadline: deadline) { [secrets] unit in
                // Read again inside the unit: a command may have changed it since the listing.
                guard let current = try unit.integration(integration.id) else { return false }
                var events: [IntegrationEvent] = []
                if secrets.needsResealing(current.url) {
                    events.append(.edited(.init(url: secrets.sealURL(try secrets.open(current.url)))))
                }
                if secrets.needsResealing(current.signingSecret) {
                    events.append(.secretRotated(secret: try secrets.resealed(current.signingSecret)))
                }
                guard !events.isEmpty else { return false }
                _ = try unit.append(events, to: current.id, expectedVersion: current.version)
                return true
            }
            if changed { count += 1 }
        }
        return count
    }
}

extension SecretKeyRing {
    /// An integration's URL and signing secret in clear.
    public func open(_ integration: Integration) throws(SecretKeyError) -> (url: String, signingSecret: String) {
        (try open(integration.url), try open(integration.signingSecret))
    }

    /// Throws, naming the key needed, if any of the integrations' secrets doesn't open: heraldd
    /// refuses such a log at start, since every delivery of theirs would fail.
    public func checkOpens(_ integrations: [Integration]) throws(DomainError) {
        var failures: [String: [IntegrationID]] = [:]
        for integration in integrations {
            do {
                _ = try open(integration)
            } catch {
                failures[error.description, default: []].append(integration.id)
            }
        }
        guard let (reason, ids) = failures.first else { return }
        let some = ids.prefix(3).map(\.rawValue).joined(separator: ", ")
        throw .failedPrecondition("\(reason) (\(ids.count) integration\(ids.count == 1 ? "" : "s"): \(some))")
    }

    /// A valid command with its new URL and signing secret sealed.
    func sealing(_ command: IntegrationDecider.ValidCommand) -> IntegrationDecider.ValidCommand {
        switch command {
        case .connect(var connected):
            connected.url = sealURL(connected.url)
            connected.signingSecret = seal(connected.signingSecret)
            return .connect(connected)
        case .edit(var edited):
            edited.url = edited.url.map(sealURL)
            return .edit(edited)
        case .reconnect(let url):
            return .reconnect(url: url.map(sealURL))
        case .rotateSecret(let secret):
            return .rotateSecret(secret: seal(secret))
        case .reset:
            return .reset
        }
    }
}
