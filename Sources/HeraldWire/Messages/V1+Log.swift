import HeraldProtoC

extension V1 {
    public struct ReadEventsRequest: WireMessage, Equatable {
        public var fromPosition: UInt64 = 0
        public var limit: UInt32 = 0
        public var follow = false

        public init(fromPosition: UInt64 = 0, limit: UInt32 = 0, follow: Bool = false) {
            self.fromPosition = fromPosition
            self.limit = limit
            self.follow = follow
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ReadEventsRequest", herald__v1__read_events_request__unpack) { m in
                Self(fromPosition: m.from_position, limit: m.limit, follow: m.follow != 0)
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__read_events_request__init)
            m.pointee.from_position = fromPosition
            m.pointee.limit = limit
            m.pointee.follow = follow ? 1 : 0
            return ProtobufC.pack(m)
        }
    }

    public struct LogEvent: WireMessage, Equatable {
        public var position: UInt64 = 0
        public var stream = ""
        public var version: UInt64 = 0
        public var type = ""
        public var payload: [UInt8] = []
        public var recordedAtUnixMs: Int64 = 0

        public init(position: UInt64, stream: String, version: UInt64, type: String, payload: [UInt8], recordedAtUnixMs: Int64) {
            self.position = position
            self.stream = stream
            self.version = version
            self.type = type
            self.payload = payload
            self.recordedAtUnixMs = recordedAtUnixMs
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "LogEvent", herald__v1__log_event__unpack) { m in
                Self(
                    position: m.position, stream: ProtobufC.string(m.stream), version: m.version,
                    type: ProtobufC.string(m.type), payload: ProtobufC.bytes(m.payload),
                    recordedAtUnixMs: m.recorded_at_unix_ms)
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__log_event__init)
            m.pointee.position = position
            m.pointee.stream = arena.string(stream)
            m.pointee.version = version
            m.pointee.type = arena.string(type)
            m.pointee.payload = arena.bytes(payload)
            m.pointee.recorded_at_unix_ms = recordedAtUnixMs
            return ProtobufC.pack(m)
        }
    }

    public struct GetStatusRequest: WireMessage, Equatable {
        public init() {}

        public init(wireBytes: [UInt8]) throws {
            try ProtobufC.unpack(wireBytes, "GetStatusRequest", herald__v1__get_status_request__unpack) { _ in () }
        }

        public func wireBytes() -> [UInt8] { [] }
    }

    public struct ProjectionStatus: Sendable, Equatable, Codable {
        public var name = ""
        @JSONInt64 public var checkpoint: UInt64 = 0
        @JSONInt64 public var lag: UInt64 = 0

        public init(name: String, checkpoint: UInt64, lag: UInt64) {
            self.name = name
            self.checkpoint = checkpoint
            self.lag = lag
        }
    }

    public struct StatusResponse: WireMessage, Equatable, Codable {
        @JSONInt64 public var headPosition: UInt64 = 0
        public var projections: [ProjectionStatus] = []
        public var socketPath = ""
        public var databasePath = ""
        public var version = ""
        @JSONInt64 public var startedAtUnixMs: Int64 = 0
        @JSONInt64 public var reactorPosition: UInt64 = 0
        @JSONInt64 public var deliveriesQueued: UInt64 = 0
        @JSONInt64 public var deliveriesInFlight: UInt64 = 0
        public var maxFrameBytes: UInt32 = 0
        public var maxEventBytes: UInt32 = 0

        public init(
            headPosition: UInt64, projections: [ProjectionStatus], socketPath: String, databasePath: String,
            version: String, startedAtUnixMs: Int64, reactorPosition: UInt64 = 0, deliveriesQueued: UInt64 = 0,
            deliveriesInFlight: UInt64 = 0, maxFrameBytes: UInt32 = 0, maxEventBytes: UInt32 = 0
        ) {
            self.maxFrameBytes = maxFrameBytes
            self.maxEventBytes = maxEventBytes
            self.headPosition = headPosition
            self.projections = projections
            self.socketPath = socketPath
            self.databasePath = databasePath
            self.version = version
            self.startedAtUnixMs = startedAtUnixMs
            self.reactorPosition = reactorPosition
            self.deliveriesQueued = deliveriesQueued
            self.deliveriesInFlight = deliveriesInFlight
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "StatusResponse", herald__v1__status_response__unpack) { m in
                Self(
                    headPosition: m.head_position,
                    projections: try ProtobufC.messages(m.n_projections, m.projections) {
                        ProjectionStatus(name: ProtobufC.string($0.name), checkpoint: $0.checkpoint, lag: $0.lag)
                    },
                    socketPath: ProtobufC.string(m.socket_path), databasePath: ProtobufC.string(m.database_path),
                    version: ProtobufC.string(m.version), startedAtUnixMs: m.started_at_unix_ms,
                    reactorPosition: m.reactor_position, deliveriesQueued: m.deliveries_queued,
                    deliveriesInFlight: m.deliveries_in_flight, maxFrameBytes: m.max_frame_bytes,
                    maxEventBytes: m.max_event_bytes)
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__status_response__init)
            m.pointee.head_position = headPosition
            (m.pointee.n_projections, m.pointee.projections) = arena.messages(
                projections.map { projection in
                    let p = arena.message(herald__v1__projection_status__init)
                    p.pointee.name = arena.string(projection.name)
                    p.pointee.checkpoint = projection.checkpoint
                    p.pointee.lag = projection.lag
                    return p
                })
            m.pointee.socket_path = arena.string(socketPath)
            m.pointee.database_path = arena.string(databasePath)
            m.pointee.version = arena.string(version)
            m.pointee.started_at_unix_ms = startedAtUnixMs
            m.pointee.reactor_position = reactorPosition
            m.pointee.deliveries_queued = deliveriesQueued
            m.pointee.deliveries_in_flight = deliveriesInFlight
            m.pointee.max_frame_bytes = maxFrameBytes
            m.pointee.max_event_bytes = maxEventBytes
            return ProtobufC.pack(m)
        }
    }

    public struct ReplayRequest: WireMessage, Equatable {
        public init() {}

        public init(wireBytes: [UInt8]) throws {
            try ProtobufC.unpack(wireBytes, "ReplayRequest", herald__v1__replay_request__unpack) { _ in () }
        }

        public func wireBytes() -> [UInt8] { [] }
    }

    public struct ReplayProgress: WireMessage, Equatable, Codable {
        @JSONInt64 public var processed: UInt64 = 0
        @JSONInt64 public var total: UInt64 = 0
        public var done = false

        public init(processed: UInt64, total: UInt64, done: Bool) {
            self.processed = processed
            self.total = total
            self.done = done
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ReplayProgress", herald__v1__replay_progress__unpack) { m in
                Self(processed: m.processed, total: m.total, done: m.done != 0)
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__replay_progress__init)
            m.pointee.processed = processed
            m.pointee.total = total
            m.pointee.done = done ? 1 : 0
            return ProtobufC.pack(m)
        }
    }
}
