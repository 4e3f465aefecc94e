/// Why the store refused a request.
public enum StoreError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The stream's version was not the one the writer expected.
    case versionConflict(stream: String, expected: UInt64, actual: UInt64)
    case schemaTooNew(found: Int, supported: Int)
    case databaseInUse(path: String)
    case closed
    case deadlineExceeded

    public var description: String {
        switch self {
        case let .versionConflict(stream, expected, actual):
            "version conflict on \(stream): expected version \(expected), found \(actual)"
        case let .schemaTooNew(found, supported):
            "the database schema is version \(found), newer than this Herald supports (\(supported))"
        case let .databaseInUse(path):
            "\(path) is in use by another process (a running heraldd?)"
        case .closed:
            "the event log is closed"
        case .deadlineExceeded:
            "the deadline passed before the write could start"
        }
    }
}
