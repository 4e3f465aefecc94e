/// The nine kinds of application event a project can subscribe to.
public enum EventType: String, CaseIterable, Sendable, Codable, Comparable {
    case testCaseCreated = "test_case.created"
    case testCaseDeleted = "test_case.deleted"
    case testCycleCreated = "test_cycle.created"
    case testCycleDeleted = "test_cycle.deleted"
    case testCycleCompleted = "test_cycle.completed"
    case testPlanCreated = "test_plan.created"
    case testPlanDeleted = "test_plan.deleted"
    case testPlanCompleted = "test_plan.completed"
    case testExecutionCompleted = "test_execution.completed"

    /// Catalog order, so that a subscription has one canonical spelling.
    public static func < (lhs: EventType, rhs: EventType) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a subscription list: non-empty, known types only, in catalog order without repeats.
    public static func subscription(_ names: [String]) throws(DomainError) -> [EventType] {
        let trimmed = names.map { $0.trimmingSpaces }.filter { !$0.isEmpty }
        guard !trimmed.isEmpty else {
            throw .invalidArgument("events must name at least one event type; known types: \(knownList)")
        }
        var types = Set<EventType>()
        for name in trimmed {
            guard let type = EventType(rawValue: String(name)) else {
                throw .invalidArgument("unknown event type '\(name)'; known types: \(knownList)")
            }
            types.insert(type)
        }
        return types.sorted()
    }

    static let knownList = allCases.map(\.rawValue).joined(separator: ", ")
}

extension String {
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}

extension Substring {
    var trimmingSpaces: Substring { String(self).trimmingSpaces }
}
