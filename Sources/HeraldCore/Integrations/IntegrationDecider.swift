/// The integration rules as pure functions, in two steps:
/// - `validate` turns what a caller typed into a `ValidCommand`, or says precisely what is wrong;
/// - `decide` turns a valid command and the current state into events, or says why not.
///
/// A command that would change nothing decides no events, so repeating it writes nothing. The
/// daemon validates before it enters the single writer and decides inside it, so the writer's
/// thread never parses a URL.
public struct IntegrationDecider: Sendable {
    public var allowList: HostAllowList

    public init(allowList: HostAllowList = .none) {
        self.allowList = allowList
    }

    public static let nameLimit = 100
    public static let projectIDLimit = 200

    /// A command whose every field is known to be valid.
    public enum ValidCommand: Sendable, Equatable {
        case connect(IntegrationEvent.Connected)
        case edit(IntegrationEvent.Edited)
        case reset
        case reconnect(url: String?)
        case rotateSecret(secret: String)
    }

    /// Validates and decides in one step. For `.connect`, `state` is the integration of the same
    /// project with the same URL, if any.
    public func decide(_ command: IntegrationCommand, state: Integration?) throws(DomainError) -> [IntegrationEvent] {
        if case .connect = command {} else { _ = try found(state) }
        return try decide(valid: validate(command, platform: state?.platform), state: state)
    }

    /// A valid command, and the host its new URL needs resolved before the write: nil when there is
    /// no new URL, or its host is an IP literal (checked already) or allow-listed.
    public struct Validated: Sendable {
        public let command: ValidCommand
        public let hostToResolve: String?
    }

    /// Checks every field. A new URL is checked against `platform`, the integration's, which never
    /// changes; it is required for an edit or reconnect that brings a URL.
    public func validate(_ command: IntegrationCommand, platform: Platform?) throws(DomainError) -> ValidCommand {
        try validated(command, platform: platform).command
    }

    /// `validate`, also saying which host to resolve, so the URL is parsed once.
    public func validated(_ command: IntegrationCommand, platform: Platform?) throws(DomainError) -> Validated {
        var host: String?
        func url(_ raw: String, _ platform: Platform) throws(DomainError) -> String {
            let parsed = try WebhookURL(validating: raw, platform: platform, allowList: allowList)
            if !parsed.isAllowListed, !parsed.isIPLiteral { host = parsed.host }
            return parsed.rawValue
        }
        let valid = try validCommand(command, platform: platform, url: url)
        return Validated(command: valid, hostToResolve: host)
    }

    private func validCommand(
        _ command: IntegrationCommand, platform: Platform?, url validURL: (String, Platform) throws(DomainError) -> String
    ) throws(DomainError) -> ValidCommand {
        switch command {
        case .connect(let connect):
            let projectID = try validProjectID(connect.projectID)
            let platform = try Platform(validating: connect.platform)
            let name = try validName(connect.name)
            let events = try EventType.subscription(connect.events)
            let url = try validURL(connect.url, platform)
            return .connect(
                .init(
                    id: connect.id, projectID: projectID, platform: platform, name: name, url: url, events: events,
                    signingSecret: platform == .custom ? connect.signingSecret : ""))
        case .edit(let edit):
            guard edit.name != nil || edit.url != nil || edit.events != nil else {
                throw .invalidArgument("nothing to edit: give a name, url or events")
            }
            return .edit(
                .init(
                    name: try edit.name.map { (raw) throws(DomainError) in try validName(raw) },
                    url: try edit.url.map { (raw) throws(DomainError) in try validURL(raw, required(platform)) },
                    events: try edit.events.map { (raw) throws(DomainError) in try EventType.subscription(raw) }))
        case .reset:
            return .reset
        case .reconnect(let url):
            return .reconnect(url: try url.map { (raw) throws(DomainError) in try validURL(raw, required(platform)) })
        case .rotateSecret(let secret):
            guard try required(platform) == .custom else {
                throw .failedPrecondition("only custom integrations sign their requests; this one has no secret to rotate")
            }
            return .rotateSecret(secret: secret)
        }
    }

    /// Decides what a valid command does to the state.
    public func decide(valid command: ValidCommand, state: Integration?) throws(DomainError) -> [IntegrationEvent] {
        switch command {
        case .connect(let connected):
            guard let existing = state else { return [.connected(connected)] }
            switch existing.status {
            case .reset:
                throw .failedPrecondition(
                    "this webhook was connected to project \(existing.projectID) as \(existing.id), which is reset; reconnect it instead")
            case .connected:
                if existing.platform == connected.platform, existing.name == connected.name, existing.events == connected.events {
                    return []
                }
                throw .alreadyExists(
                    "this webhook is already connected to project \(existing.projectID) as \(existing.id); edit that integration instead")
            }
        case .edit(let edit):
            let current = try found(state)
            let change = IntegrationEvent.Edited(
                name: edit.name == current.name ? nil : edit.name,
                url: edit.url == current.url ? nil : edit.url,
                events: edit.events == current.events ? nil : edit.events)
            return change == IntegrationEvent.Edited() ? [] : [.edited(change)]
        case .reset:
            return try found(state).status == .reset ? [] : [.reset]
        case .reconnect(let url):
            let current = try found(state)
            if current.status == .connected {
                if url == nil || url == current.url { return [] }
                throw .failedPrecondition("integration \(current.id) is connected; change its URL with edit, not reconnect")
            }
            return [.reconnected(url: url == current.url ? nil : url)]
        case .rotateSecret(let secret):
            return [.secretRotated(secret: secret)]
        }
    }

    private func found(_ state: Integration?) throws(DomainError) -> Integration {
        guard let state else { throw .notFound("no such integration") }
        return state
    }

    private func required(_ platform: Platform?) throws(DomainError) -> Platform {
        guard let platform else { throw .notFound("no such integration") }
        return platform
    }

    func validName(_ raw: String) throws(DomainError) -> String {
        let name = String(raw.trimmingSpaces)
        guard (1...Self.nameLimit).contains(name.count) else {
            throw .invalidArgument(
                name.isEmpty
                    ? "name is required (1–\(Self.nameLimit) characters)"
                    : "name is \(name.count) characters; at most \(Self.nameLimit) are allowed")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument("name must not contain control characters")
        }
        return name
    }

    func validProjectID(_ raw: String) throws(DomainError) -> String {
        let id = String(raw.trimmingSpaces)
        guard !id.isEmpty else { throw .invalidArgument("project id is required") }
        guard id.count <= Self.projectIDLimit else {
            throw .invalidArgument("project id is longer than \(Self.projectIDLimit) characters")
        }
        guard !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument("project id must not contain control characters")
        }
        return id
    }

}
