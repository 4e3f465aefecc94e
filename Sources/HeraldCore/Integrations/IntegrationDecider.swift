/// The integration rules as a pure function: command + state → events, or why not.
/// A command that would change nothing decides no events, so repeating it writes nothing.
public struct IntegrationDecider: Sendable {
    public var allowList: HostAllowList

    public init(allowList: HostAllowList = .none) {
        self.allowList = allowList
    }

    public static let nameLimit = 100
    public static let projectIDLimit = 200

    /// For `.connect`, `state` is the integration of the same project with the same URL, if any.
    public func decide(_ command: IntegrationCommand, state: Integration?) throws(DomainError) -> [IntegrationEvent] {
        switch command {
        case .connect(let connect):
            return try decideConnect(connect, existing: state)
        case .edit(let edit):
            let current = try found(state)
            return try decideEdit(edit, current)
        case .reset:
            let current = try found(state)
            return current.status == .reset ? [] : [.reset]
        case .reconnect(let url):
            let current = try found(state)
            let newURL = try url.map { (raw) throws(DomainError) in try validURL(raw, current.platform) }
            if current.status == .connected {
                if newURL == nil || newURL == current.url { return [] }
                throw .failedPrecondition(
                    "integration \(current.id) is connected; change its URL with edit, not reconnect")
            }
            return [.reconnected(url: newURL == current.url ? nil : newURL)]
        }
    }

    /// Validates a connect command's fields without any state, so callers can reject bad input
    /// before doing network work such as resolving the host.
    public func validate(_ connect: IntegrationCommand.Connect) throws(DomainError) -> IntegrationEvent.Connected {
        let projectID = try validProjectID(connect.projectID)
        let platform = try Platform(validating: connect.platform)
        let name = try validName(connect.name)
        let events = try EventType.subscription(connect.events)
        let url = try validURL(connect.url, platform)
        return .init(id: connect.id, projectID: projectID, platform: platform, name: name, url: url, events: events)
    }

    private func decideConnect(_ connect: IntegrationCommand.Connect, existing: Integration?) throws(DomainError) -> [IntegrationEvent] {
        let connected = try validate(connect)
        guard let existing else { return [.connected(connected)] }
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
    }

    private func decideEdit(_ edit: IntegrationCommand.Edit, _ current: Integration) throws(DomainError) -> [IntegrationEvent] {
        guard edit.name != nil || edit.url != nil || edit.events != nil else {
            throw .invalidArgument("nothing to edit: give a name, url or events")
        }
        var change = IntegrationEvent.Edited()
        if let raw = edit.name {
            let name = try validName(raw)
            if name != current.name { change.name = name }
        }
        if let raw = edit.url {
            let url = try validURL(raw, current.platform)
            if url != current.url { change.url = url }
        }
        if let raw = edit.events {
            let events = try EventType.subscription(raw)
            if events != current.events { change.events = events }
        }
        return change == IntegrationEvent.Edited() ? [] : [.edited(change)]
    }

    private func found(_ state: Integration?) throws(DomainError) -> Integration {
        guard let state else { throw .notFound("no such integration") }
        return state
    }

    func validName(_ raw: String) throws(DomainError) -> String {
        let name = String(raw.trimmingSpaces)
        guard (1...Self.nameLimit).contains(name.count) else {
            throw .invalidArgument(
                name.isEmpty ? "name is required (1–\(Self.nameLimit) characters)"
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

    func validURL(_ raw: String, _ platform: Platform) throws(DomainError) -> String {
        try WebhookURL(validating: raw, platform: platform, allowList: allowList).rawValue
    }
}
