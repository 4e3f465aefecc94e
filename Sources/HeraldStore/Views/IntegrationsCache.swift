import HeraldCore
import Synchronization

/// The integrations view held in memory for reads. The log refreshes it from the
/// committed view after each commit and before any caller hears back, so a read that follows a
/// command sees it. Reads then cost a dictionary lookup instead of a read of the store.
public final class IntegrationsCache: Sendable {
    private struct Entries {
        var byID: [IntegrationID: Integration] = [:]
        var byProject: [String: Set<IntegrationID>] = [:]

        mutating func put(_ integration: Integration) {
            if let old = byID[integration.id], old.projectID != integration.projectID {
                byProject[old.projectID]?.remove(integration.id)
            }
            byID[integration.id] = integration
            byProject[integration.projectID, default: []].insert(integration.id)
        }
    }

    private let entries = Mutex(Entries())

    public init() {}

    public func integration(_ id: IntegrationID) -> Integration? {
        entries.withLock { $0.byID[id] }
    }

    /// One project's integrations, in no particular order.
    public func integrations(ofProject projectID: String) -> [Integration] {
        entries.withLock { entries in
            (entries.byProject[projectID] ?? []).compactMap { entries.byID[$0] }
        }
    }

    /// In the order they were connected; every project's when `projectID` is nil.
    public func list(projectID: String?) -> [Integration] {
        let selected = projectID.map(integrations(ofProject:)) ?? entries.withLock { Array($0.byID.values) }
        return selected.sorted {
            ($0.projectID, $0.createdAt, $0.id.rawValue) < ($1.projectID, $1.createdAt, $1.id.rawValue)
        }
    }

    package func update(_ integrations: [Integration]) {
        entries.withLock { entries in
            for integration in integrations { entries.put(integration) }
        }
    }

    package func replaceAll(_ integrations: [Integration]) {
        var fresh = Entries()
        for integration in integrations { fresh.put(integration) }
        entries.withLock { $0 = fresh }
    }
}
