import HeraldCore

/// Why a log refused a request. A struct, not an enum: a backend can add reasons without breaking
/// callers, who match the codes they handle and treat the rest alike.
public struct StoreError: Error, Equatable, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case versionConflict = "version conflict"
            case schemaTooNew = "schema too new"
            case inUse = "in use"
            case closed
            case deadlineExceeded = "deadline exceeded"
            case unavailable
            case storageFull = "storage full"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }
        public var description: String { base.rawValue }

        /// A stream was not at the version its writer expected: another command changed it first.
        public static let versionConflict = Code(.versionConflict)
        /// The store was written by a newer Herald.
        public static let schemaTooNew = Code(.schemaTooNew)
        /// Another process holds the store.
        public static let inUse = Code(.inUse)
        /// The log is closed, or closing.
        public static let closed = Code(.closed)
        /// The deadline passed before the write could start.
        public static let deadlineExceeded = Code(.deadlineExceeded)
        /// The store can't be reached or can't write now (a full disk, a lost connection).
        public static let unavailable = Code(.unavailable)
        /// The store's disk or quota is full: nothing was written, and the same write may succeed
        /// once there is space.
        public static let storageFull = Code(.storageFull)
    }

    public let code: Code
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    public static func versionConflict(stream: StreamName, expected: UInt64, actual: UInt64) -> StoreError {
        StoreError(.versionConflict, "version conflict on \(stream): expected version \(expected), found \(actual)")
    }

    public static func schemaTooNew(found: Int, supported: Int) -> StoreError {
        StoreError(.schemaTooNew, "the database schema is version \(found), newer than this Herald supports (\(supported))")
    }

    public static func inUse(path: String) -> StoreError {
        StoreError(.inUse, "\(path) is in use by another process (a running heraldd?)")
    }

    public static let closed = StoreError(.closed, "the event log is closed")
    public static let deadlineExceeded = StoreError(.deadlineExceeded, "the deadline passed before the write could start")
}
