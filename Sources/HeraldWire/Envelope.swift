import HeraldProtoC

/// A call frame from client to daemon (`herald.v1.Request`).
public struct RequestEnvelope: WireMessage, Equatable {
    public var callID: UInt64
    public var method: String
    /// Milliseconds; 0 means no deadline.
    public var timeoutMilliseconds: UInt64
    public var message: [UInt8]
    public var cancel: Bool

    public init(callID: UInt64, method: String, timeoutMilliseconds: UInt64 = 0, message: [UInt8] = [], cancel: Bool = false) {
        self.callID = callID
        self.method = method
        self.timeoutMilliseconds = timeoutMilliseconds
        self.message = message
        self.cancel = cancel
    }

    public init(wireBytes: [UInt8]) throws {
        self = try wireBytes.withUnsafeBytes { (raw) throws in try Self(wire: raw) }
    }

    public init(wire raw: UnsafeRawBufferPointer) throws {
        self = try ProtobufC.unpack(raw, "request envelope", herald__v1__request__unpack) { m in
            RequestEnvelope(
                callID: m.call_id, method: ProtobufC.string(m.method), timeoutMilliseconds: m.timeout_ms,
                message: ProtobufC.bytes(m.message), cancel: m.cancel != 0)
        }
    }

    public func wireBytes() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(herald__v1__request__init)
        m.pointee.call_id = callID
        m.pointee.method = arena.string(method)
        m.pointee.timeout_ms = timeoutMilliseconds
        m.pointee.message = arena.bytes(message)
        m.pointee.cancel = cancel ? 1 : 0
        return ProtobufC.pack(m)
    }
}

/// A reply frame from daemon to client (`herald.v1.Response`).
public struct ResponseEnvelope: WireMessage, Equatable {
    public var callID: UInt64
    public var status: UInt32
    public var statusMessage: String
    public var message: [UInt8]
    public var endOfStream: Bool

    public init(callID: UInt64, status: UInt32 = 0, statusMessage: String = "", message: [UInt8] = [], endOfStream: Bool) {
        self.callID = callID
        self.status = status
        self.statusMessage = statusMessage
        self.message = message
        self.endOfStream = endOfStream
    }

    public static func failure(callID: UInt64, _ error: RPCError) -> ResponseEnvelope {
        ResponseEnvelope(callID: callID, status: error.code.rawValue, statusMessage: error.message, endOfStream: true)
    }

    /// The error this response carries, if its status is not OK. An unknown code reads as UNKNOWN.
    public var error: RPCError? {
        guard status != 0 else { return nil }
        return RPCError(StatusCode(rawValue: status) ?? .unknown, statusMessage)
    }

    public init(wireBytes: [UInt8]) throws {
        self = try wireBytes.withUnsafeBytes { (raw) throws in try Self(wire: raw) }
    }

    public init(wire raw: UnsafeRawBufferPointer) throws {
        self = try ProtobufC.unpack(raw, "response envelope", herald__v1__response__unpack) { m in
            ResponseEnvelope(
                callID: m.call_id, status: m.status, statusMessage: ProtobufC.string(m.status_message),
                message: ProtobufC.bytes(m.message), endOfStream: m.end_of_stream != 0)
        }
    }

    public func wireBytes() -> [UInt8] {
        let arena = CArena()
        let m = arena.message(herald__v1__response__init)
        m.pointee.call_id = callID
        m.pointee.status = status
        m.pointee.status_message = arena.string(statusMessage)
        m.pointee.message = arena.bytes(message)
        m.pointee.end_of_stream = endOfStream ? 1 : 0
        return ProtobufC.pack(m)
    }
}

/// The method names of `herald.v1.Herald`.
public enum Method {
    public static let prefix = "/herald.v1.Herald/"
    public static let connectIntegration = prefix + "ConnectIntegration"
    public static let editIntegration = prefix + "EditIntegration"
    public static let resetIntegration = prefix + "ResetIntegration"
    public static let reconnectIntegration = prefix + "ReconnectIntegration"
    public static let getIntegration = prefix + "GetIntegration"
    public static let listIntegrations = prefix + "ListIntegrations"
    public static let readEvents = prefix + "ReadEvents"
    public static let getStatus = prefix + "GetStatus"
    public static let replay = prefix + "Replay"
}

extension Method {
    public static let publishEvent = prefix + "PublishEvent"
    public static let listDeliveries = prefix + "ListDeliveries"
    public static let getDelivery = prefix + "GetDelivery"
    public static let retryDelivery = prefix + "RetryDelivery"
    public static let watchDeliveries = prefix + "WatchDeliveries"
    public static let testIntegration = prefix + "TestIntegration"
    public static let rotateSecret = prefix + "RotateSecret"
}
