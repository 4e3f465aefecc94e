/// Why the domain refused a command. Each kind maps onto one RPC status code.
public struct DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case invalidArgument
        case notFound
        case alreadyExists
        case failedPrecondition
        case unavailable
        case internalError
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func invalidArgument(_ message: String) -> DomainError { .init(.invalidArgument, message) }
    public static func notFound(_ message: String) -> DomainError { .init(.notFound, message) }
    public static func alreadyExists(_ message: String) -> DomainError { .init(.alreadyExists, message) }
    public static func failedPrecondition(_ message: String) -> DomainError { .init(.failedPrecondition, message) }

    public var description: String { message }
}
