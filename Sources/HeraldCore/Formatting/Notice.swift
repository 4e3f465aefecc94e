/// What every chat format shows of an event.
public struct Notice: Sendable, Equatable {
    public var event: PublishedEvent
    public var data: EventData

    public init(event: PublishedEvent, data: EventData) {
        self.event = event
        self.data = data
    }

    /// "Test cycle completed".
    public var headline: String { event.type.headline }

    /// Who did it: the actor field that matches the event's verb, else any actor given.
    public var actor: String? {
        let byVerb: String? =
            switch event.type.verb {
            case .created: data.createdBy
            case .deleted: data.deletedBy
            case .completed: data.completedBy
            }
        return byVerb ?? data.completedBy ?? data.createdBy ?? data.deletedBy
    }

    /// The link to the object, when the data has a usable one.
    public var link: String? { Text.link(data.url) }

    /// Result counts in a fixed order, for the counts given.
    public var counts: [(label: String, value: Int64)] {
        guard let stats = data.stats else { return [] }
        return [
            ("Passed", stats.passed), ("Failed", stats.failed), ("Blocked", stats.blocked),
            ("Skipped", stats.skipped), ("Total", stats.total),
        ].compactMap { label, value in value.map { (label, $0) } }
    }

    /// One line for fallbacks: "Test cycle completed: Regression 5.2 (CY-42) in ACME".
    public var summary: String {
        var line = "\(headline): \(data.title) (\(data.id)) in \(event.projectName)"
        if let actor { line += " by \(actor)" }
        let counts = self.counts
        if !counts.isEmpty { line += " — " + counts.map { "\($0.value) \($0.label.lowercased())" }.joined(separator: ", ") }
        return line
    }

    /// The accent: green for a clean completion, red for one with failures or a deletion, blue otherwise.
    public var color: UInt32 {
        switch event.type.verb {
        case .created: 0x3498DB
        case .deleted: 0x95A5A6
        case .completed: (data.stats?.failed ?? 0) > 0 ? 0xE74C3C : 0x2ECC71
        }
    }
}

extension EventType {
    public enum Verb: Sendable { case created, deleted, completed }

    public var verb: Verb {
        switch self {
        case .testCaseCreated, .testCycleCreated, .testPlanCreated: .created
        case .testCaseDeleted, .testCycleDeleted, .testPlanDeleted: .deleted
        case .testCycleCompleted, .testPlanCompleted, .testExecutionCompleted: .completed
        }
    }

    public var headline: String {
        switch self {
        case .testCaseCreated: "Test case created"
        case .testCaseDeleted: "Test case deleted"
        case .testCycleCreated: "Test cycle created"
        case .testCycleDeleted: "Test cycle deleted"
        case .testCycleCompleted: "Test cycle completed"
        case .testPlanCreated: "Test plan created"
        case .testPlanDeleted: "Test plan deleted"
        case .testPlanCompleted: "Test plan completed"
        case .testExecutionCompleted: "Test execution completed"
        }
    }
}

/// Turns a notification into the JSON body a platform takes. Formatting never fails: long text is
/// cut to the platform's limits and marked with an ellipsis.
public enum PayloadFormatter {
    public static func payload(for notification: Notice, platform: Platform) -> JSON {
        switch platform {
        case .slack: SlackFormat.payload(notification)
        case .discord: DiscordFormat.payload(notification)
        case .teams: TeamsFormat.payload(notification)
        case .googleChat: GoogleChatFormat.payload(notification)
        case .custom: CustomFormat.payload(notification)
        }
    }
}
