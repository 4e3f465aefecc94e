import HeraldCore
import Synchronization

/// The integrations view held in memory for reads. It is refreshed on the writer thread from the
/// committed view rows, after COMMIT and before any caller hears back, so a read that follows a
/// command sees it. Reads then cost a dictionary lookup instead of a SQLite read transaction.
public final class IntegrationsCache: Sendable {
    private let byID = Mutex<[IntegrationID: Integration]>([:])

    public init() {}

    public func integration(_ id: IntegrationID) -> Integration? {
        byID.withLock { $0[id] }
    }

    /// In the order they were connected; every project's when `projectID` is nil.
    public func list(projectID: String?) -> [Integration] {
        let all = byID.withLock { Array($0.values) }
        let selected = projectID.map { project in all.filter { $0.projectID == project } } ?? all
        return selected.sorted {
            ($0.projectID, $0.createdAt, $0.id.rawValue) < ($1.projectID, $1.createdAt, $1.id.rawValue)
        }
    }

    func update(_ integrations: [Integration]) {
        byID.withLock { cache in
            for integration in integrations { cache[integration.id] = integration }
        }
    }

    func replaceAll(_ integrations: [Integration]) {
        let fresh = Dictionary(integrations.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        byID.withLock { $0 = fresh }
    }
}
