import HeraldCore

/// An event as the log holds it.
public struct RecordedEvent: Sendable, Equatable {
    public let position: LogPosition
    public let stream: StreamName
    public let version: UInt64
    public let type: String
    public let payload: [UInt8]
    /// Milliseconds since the Unix epoch.
    public let recordedAt: Int64

    public init(position: LogPosition, stream: StreamName, version: UInt64, type: String, payload: [UInt8], recordedAt: Int64) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
        self.payload = payload
        self.recordedAt = recordedAt
    }
}

/// An event to append: its type name and serialized payload.
public struct NewEvent: Sendable {
    public let type: String
    public let payload: [UInt8]

    public init(type: String, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }
}
