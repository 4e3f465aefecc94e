import HeraldProtoC

extension V1 {
    public struct PublishEventRequest: WireMessage, Equatable {
        public var eventId = ""
        public var projectId = ""
        public var projectName = ""
        public var eventType = ""
        public var timestamp = ""
        public var dataJson = ""

        public init(eventId: String = "", projectId: String, projectName: String = "", eventType: String, timestamp: String = "", dataJson: String) {
            self.eventId = eventId
            self.projectId = projectId
            self.projectName = projectName
            self.eventType = eventType
            self.timestamp = timestamp
            self.dataJson = dataJson
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "PublishEventRequest", herald__v1__publish_event_request__unpack) { m in
                Self(
                    eventId: ProtobufC.string(m.event_id), projectId: ProtobufC.string(m.project_id),
                    projectName: ProtobufC.string(m.project_name), eventType: ProtobufC.string(m.event_type),
                    timestamp: ProtobufC.string(m.timestamp), dataJson: ProtobufC.string(m.data_json))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__publish_event_request__init)
            m.pointee.event_id = arena.string(eventId)
            m.pointee.project_id = arena.string(projectId)
            m.pointee.project_name = arena.string(projectName)
            m.pointee.event_type = arena.string(eventType)
            m.pointee.timestamp = arena.string(timestamp)
            m.pointee.data_json = arena.string(dataJson)
            return ProtobufC.pack(m)
        }
    }

    public struct PublishEventResponse: WireMessage, Equatable, Codable {
        public var eventId = ""
        public var deliveries: [Delivery] = []
        public var duplicate = false

        public init(eventId: String, deliveries: [Delivery], duplicate: Bool) {
            self.eventId = eventId
            self.deliveries = deliveries
            self.duplicate = duplicate
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "PublishEventResponse", herald__v1__publish_event_response__unpack) { m in
                Self(
                    eventId: ProtobufC.string(m.event_id),
                    deliveries: try ProtobufC.messages(m.n_deliveries, m.deliveries) { try Delivery($0) },
                    duplicate: m.duplicate != 0)
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__publish_event_response__init)
            m.pointee.event_id = arena.string(eventId)
            (m.pointee.n_deliveries, m.pointee.deliveries) = arena.messages(deliveries.map { $0.build(arena) })
            m.pointee.duplicate = duplicate ? 1 : 0
            return ProtobufC.pack(m)
        }
    }

    public struct DeliveryAttempt: Sendable, Equatable, Codable {
        public var number: UInt32 = 0
        @JSONInt64 public var startedAtUnixMs: Int64 = 0
        public var durationMs: UInt32 = 0
        public var httpStatus: UInt32 = 0
        public var error = ""
        public var responseSnippet = ""
        public var location = ""
        public var outcome = ""

        public init(
            number: UInt32, startedAtUnixMs: Int64, durationMs: UInt32, httpStatus: UInt32, error: String,
            responseSnippet: String, location: String, outcome: String
        ) {
            self.number = number
            self.startedAtUnixMs = startedAtUnixMs
            self.durationMs = durationMs
            self.httpStatus = httpStatus
            self.error = error
            self.responseSnippet = responseSnippet
            self.location = location
            self.outcome = outcome
        }

        init(_ m: Herald__V1__DeliveryAttempt) {
            self.init(
                number: m.number, startedAtUnixMs: m.started_at_unix_ms, durationMs: m.duration_ms,
                httpStatus: m.http_status, error: ProtobufC.string(m.error),
                responseSnippet: ProtobufC.string(m.response_snippet), location: ProtobufC.string(m.location),
                outcome: ProtobufC.string(m.outcome))
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__DeliveryAttempt> {
            let m = arena.message(herald__v1__delivery_attempt__init)
            m.pointee.number = number
            m.pointee.started_at_unix_ms = startedAtUnixMs
            m.pointee.duration_ms = durationMs
            m.pointee.http_status = httpStatus
            m.pointee.error = arena.string(error)
            m.pointee.response_snippet = arena.string(responseSnippet)
            m.pointee.location = arena.string(location)
            m.pointee.outcome = arena.string(outcome)
            return m
        }
    }

    public struct Delivery: Sendable, Equatable, Codable {
        public var id = ""
        public var eventId = ""
        public var integrationId = ""
        public var projectId = ""
        public var eventType = ""
        public var status = ""
        public var attemptCount: UInt32 = 0
        @JSONInt64 public var nextAttemptAtUnixMs: Int64 = 0
        @JSONInt64 public var createdAtUnixMs: Int64 = 0
        @JSONInt64 public var updatedAtUnixMs: Int64 = 0
        public var lastHttpStatus: UInt32 = 0
        public var lastError = ""
        public var attempts: [DeliveryAttempt] = []

        public init(
            id: String = "", eventId: String = "", integrationId: String = "", projectId: String = "",
            eventType: String = "", status: String = "", attemptCount: UInt32 = 0, nextAttemptAtUnixMs: Int64 = 0,
            createdAtUnixMs: Int64 = 0, updatedAtUnixMs: Int64 = 0, lastHttpStatus: UInt32 = 0, lastError: String = "",
            attempts: [DeliveryAttempt] = []
        ) {
            self.id = id
            self.eventId = eventId
            self.integrationId = integrationId
            self.projectId = projectId
            self.eventType = eventType
            self.status = status
            self.attemptCount = attemptCount
            self.nextAttemptAtUnixMs = nextAttemptAtUnixMs
            self.createdAtUnixMs = createdAtUnixMs
            self.updatedAtUnixMs = updatedAtUnixMs
            self.lastHttpStatus = lastHttpStatus
            self.lastError = lastError
            self.attempts = attempts
        }

        init(_ m: Herald__V1__Delivery) throws {
            self.init(
                id: ProtobufC.string(m.id), eventId: ProtobufC.string(m.event_id),
                integrationId: ProtobufC.string(m.integration_id), projectId: ProtobufC.string(m.project_id),
                eventType: ProtobufC.string(m.event_type), status: ProtobufC.string(m.status),
                attemptCount: m.attempt_count, nextAttemptAtUnixMs: m.next_attempt_at_unix_ms,
                createdAtUnixMs: m.created_at_unix_ms, updatedAtUnixMs: m.updated_at_unix_ms,
                lastHttpStatus: m.last_http_status, lastError: ProtobufC.string(m.last_error),
                attempts: try ProtobufC.messages(m.n_attempts, m.attempts) { DeliveryAttempt($0) })
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__Delivery> {
            let m = arena.message(herald__v1__delivery__init)
            m.pointee.id = arena.string(id)
            m.pointee.event_id = arena.string(eventId)
            m.pointee.integration_id = arena.string(integrationId)
            m.pointee.project_id = arena.string(projectId)
            m.pointee.event_type = arena.string(eventType)
            m.pointee.status = arena.string(status)
            m.pointee.attempt_count = attemptCount
            m.pointee.next_attempt_at_unix_ms = nextAttemptAtUnixMs
            m.pointee.created_at_unix_ms = createdAtUnixMs
            m.pointee.updated_at_unix_ms = updatedAtUnixMs
            m.pointee.last_http_status = lastHttpStatus
            m.pointee.last_error = arena.string(lastError)
            (m.pointee.n_attempts, m.pointee.attempts) = arena.messages(attempts.map { $0.build(arena) })
            return m
        }
    }

    public struct ListDeliveriesRequest: WireMessage, Equatable {
        public var integrationId = ""
        public var status = ""
        public var eventType = ""
        public var limit: UInt32 = 0

        public init(integrationId: String = "", status: String = "", eventType: String = "", limit: UInt32 = 0) {
            self.integrationId = integrationId
            self.status = status
            self.eventType = eventType
            self.limit = limit
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListDeliveriesRequest", herald__v1__list_deliveries_request__unpack) { m in
                Self(
                    integrationId: ProtobufC.string(m.integration_id), status: ProtobufC.string(m.status),
                    eventType: ProtobufC.string(m.event_type), limit: m.limit)
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__list_deliveries_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            m.pointee.status = arena.string(status)
            m.pointee.event_type = arena.string(eventType)
            m.pointee.limit = limit
            return ProtobufC.pack(m)
        }
    }

    public struct ListDeliveriesResponse: WireMessage, Equatable, Codable {
        public var deliveries: [Delivery] = []

        public init(deliveries: [Delivery]) { self.deliveries = deliveries }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListDeliveriesResponse", herald__v1__list_deliveries_response__unpack) { m in
                Self(deliveries: try ProtobufC.messages(m.n_deliveries, m.deliveries) { try Delivery($0) })
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__list_deliveries_response__init)
            (m.pointee.n_deliveries, m.pointee.deliveries) = arena.messages(deliveries.map { $0.build(arena) })
            return ProtobufC.pack(m)
        }
    }

    public struct DeliveryRef: WireMessage, Equatable {
        public var deliveryId = ""

        public init(deliveryId: String) { self.deliveryId = deliveryId }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "DeliveryRef", herald__v1__delivery_ref__unpack) { m in
                Self(deliveryId: ProtobufC.string(m.delivery_id))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__delivery_ref__init)
            m.pointee.delivery_id = arena.string(deliveryId)
            return ProtobufC.pack(m)
        }
    }

    public struct DeliveryResponse: WireMessage, Equatable, Codable {
        public var delivery = Delivery()

        public init(delivery: Delivery) { self.delivery = delivery }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "DeliveryResponse", herald__v1__delivery_response__unpack) { m in
                Self(delivery: try m.delivery.map { try Delivery($0.pointee) } ?? Delivery())
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__delivery_response__init)
            m.pointee.delivery = delivery.build(arena)
            return ProtobufC.pack(m)
        }
    }

    public struct WatchDeliveriesRequest: WireMessage, Equatable {
        public var integrationId = ""

        public init(integrationId: String = "") { self.integrationId = integrationId }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "WatchDeliveriesRequest", herald__v1__watch_deliveries_request__unpack) { m in
                Self(integrationId: ProtobufC.string(m.integration_id))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__watch_deliveries_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            return ProtobufC.pack(m)
        }
    }

    public struct TestIntegrationResponse: WireMessage, Equatable, Codable {
        public var delivered = false
        public var attempt = DeliveryAttempt(
            number: 0, startedAtUnixMs: 0, durationMs: 0, httpStatus: 0, error: "",
            responseSnippet: "", location: "", outcome: "")

        public init(delivered: Bool, attempt: DeliveryAttempt) {
            self.delivered = delivered
            self.attempt = attempt
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "TestIntegrationResponse", herald__v1__test_integration_response__unpack) { m in
                Self(
                    delivered: m.delivered != 0,
                    attempt: m.attempt.map { DeliveryAttempt($0.pointee) }
                        ?? DeliveryAttempt(
                            number: 0, startedAtUnixMs: 0, durationMs: 0, httpStatus: 0, error: "",
                            responseSnippet: "", location: "", outcome: ""))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__test_integration_response__init)
            m.pointee.delivered = delivered ? 1 : 0
            m.pointee.attempt = attempt.build(arena)
            return ProtobufC.pack(m)
        }
    }
}

extension V1.Delivery: WireMessage {
    public init(wireBytes: [UInt8]) throws {
        self = try ProtobufC.unpack(wireBytes, "Delivery", herald__v1__delivery__unpack) { try V1.Delivery($0) }
    }

    public func wireBytes() -> [UInt8] {
        let arena = CArena()
        return ProtobufC.pack(build(arena))
    }
}
