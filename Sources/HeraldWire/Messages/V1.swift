// Generated from Protos/herald/v1/herald.proto by tools/generate-protos; do not edit.
import HeraldProtoC

/// Swift forms of the messages of `herald/v1/herald.proto`. Property names follow the proto JSON
/// mapping, so that encoding one with `JSONEncoder` gives the document a client in any language expects.
public enum V1 {}

extension V1 {
    public struct Integration: WireMessage, Equatable, Codable {
        public var id: String = ""
        public var projectId: String = ""
        /// slack | discord | teams | google_chat | custom
        public var platform: String = ""
        public var name: String = ""
        /// The webhook URL with every token-bearing part replaced by "…".
        public var maskedUrl: String = ""
        public var events: [String] = []
        /// connected | reset
        public var status: String = ""
        @JSONInt64 public var createdAtUnixMs: Int64 = 0
        @JSONInt64 public var updatedAtUnixMs: Int64 = 0
        /// The integration stream's version: the number of its events.
        @JSONInt64 public var version: UInt64 = 0
        /// Health, from the deliveries: the last attempt's time, HTTP status (0 when
        /// no response came) and error, and how many attempts in a row have failed.
        @JSONInt64 public var lastAttemptAtUnixMs: Int64 = 0
        public var lastHttpStatus: UInt32 = 0
        public var lastError: String = ""
        public var consecutiveFailures: UInt32 = 0

        public init(
            id: String = "", projectId: String = "", platform: String = "", name: String = "", maskedUrl: String = "", events: [String] = [],
            status: String = "", createdAtUnixMs: Int64 = 0, updatedAtUnixMs: Int64 = 0, version: UInt64 = 0, lastAttemptAtUnixMs: Int64 = 0,
            lastHttpStatus: UInt32 = 0, lastError: String = "", consecutiveFailures: UInt32 = 0
        ) {
            self.id = id
            self.projectId = projectId
            self.platform = platform
            self.name = name
            self.maskedUrl = maskedUrl
            self.events = events
            self.status = status
            self.createdAtUnixMs = createdAtUnixMs
            self.updatedAtUnixMs = updatedAtUnixMs
            self.version = version
            self.lastAttemptAtUnixMs = lastAttemptAtUnixMs
            self.lastHttpStatus = lastHttpStatus
            self.lastError = lastError
            self.consecutiveFailures = consecutiveFailures
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "Integration", herald__v1__integration__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__Integration) throws {
            self.init(
                id: ProtobufC.string(m.id), projectId: ProtobufC.string(m.project_id), platform: ProtobufC.string(m.platform), name: ProtobufC.string(m.name),
                maskedUrl: ProtobufC.string(m.masked_url), events: ProtobufC.strings(m.n_events, m.events), status: ProtobufC.string(m.status),
                createdAtUnixMs: m.created_at_unix_ms, updatedAtUnixMs: m.updated_at_unix_ms, version: m.version,
                lastAttemptAtUnixMs: m.last_attempt_at_unix_ms, lastHttpStatus: m.last_http_status, lastError: ProtobufC.string(m.last_error),
                consecutiveFailures: m.consecutive_failures)
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__Integration> {
            let m = arena.message(herald__v1__integration__init)
            m.pointee.id = arena.string(id)
            m.pointee.project_id = arena.string(projectId)
            m.pointee.platform = arena.string(platform)
            m.pointee.name = arena.string(name)
            m.pointee.masked_url = arena.string(maskedUrl)
            (m.pointee.n_events, m.pointee.events) = arena.strings(events)
            m.pointee.status = arena.string(status)
            m.pointee.created_at_unix_ms = createdAtUnixMs
            m.pointee.updated_at_unix_ms = updatedAtUnixMs
            m.pointee.version = version
            m.pointee.last_attempt_at_unix_ms = lastAttemptAtUnixMs
            m.pointee.last_http_status = lastHttpStatus
            m.pointee.last_error = arena.string(lastError)
            m.pointee.consecutive_failures = consecutiveFailures
            return m
        }
    }
}

extension V1 {
    public struct ConnectIntegrationRequest: WireMessage, Equatable, Codable {
        public var projectId: String = ""
        public var platform: String = ""
        public var name: String = ""
        public var url: String = ""
        public var events: [String] = []

        public init(projectId: String = "", platform: String = "", name: String = "", url: String = "", events: [String] = []) {
            self.projectId = projectId
            self.platform = platform
            self.name = name
            self.url = url
            self.events = events
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ConnectIntegrationRequest", herald__v1__connect_integration_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ConnectIntegrationRequest) throws {
            self.init(
                projectId: ProtobufC.string(m.project_id), platform: ProtobufC.string(m.platform), name: ProtobufC.string(m.name), url: ProtobufC.string(m.url),
                events: ProtobufC.strings(m.n_events, m.events))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ConnectIntegrationRequest> {
            let m = arena.message(herald__v1__connect_integration_request__init)
            m.pointee.project_id = arena.string(projectId)
            m.pointee.platform = arena.string(platform)
            m.pointee.name = arena.string(name)
            m.pointee.url = arena.string(url)
            (m.pointee.n_events, m.pointee.events) = arena.strings(events)
            return m
        }
    }
}

extension V1 {
    public struct EditIntegrationRequest: WireMessage, Equatable, Codable {
        public var integrationId: String = ""
        public var name: String? = nil
        public var url: String? = nil
        public var events: [String]? = nil

        public init(integrationId: String = "", name: String? = nil, url: String? = nil, events: [String]? = nil) {
            self.integrationId = integrationId
            self.name = name
            self.url = url
            self.events = events
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "EditIntegrationRequest", herald__v1__edit_integration_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__EditIntegrationRequest) throws {
            self.init(
                integrationId: ProtobufC.string(m.integration_id), name: m.name.map { ProtobufC.string($0.pointee.value) },
                url: m.url.map { ProtobufC.string($0.pointee.value) }, events: m.events.map { ProtobufC.strings($0.pointee.n_values, $0.pointee.values) })
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__EditIntegrationRequest> {
            let m = arena.message(herald__v1__edit_integration_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            m.pointee.name = name.map { value in
                let wrapper = arena.message(herald__v1__string_value__init)
                wrapper.pointee.value = arena.string(value)
                return wrapper
            }
            m.pointee.url = url.map { value in
                let wrapper = arena.message(herald__v1__string_value__init)
                wrapper.pointee.value = arena.string(value)
                return wrapper
            }
            m.pointee.events = events.map { values in
                let list = arena.message(herald__v1__event_type_list__init)
                (list.pointee.n_values, list.pointee.values) = arena.strings(values)
                return list
            }
            return m
        }
    }
}

extension V1 {
    public struct ReconnectIntegrationRequest: WireMessage, Equatable, Codable {
        public var integrationId: String = ""
        public var url: String? = nil

        public init(integrationId: String = "", url: String? = nil) {
            self.integrationId = integrationId
            self.url = url
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ReconnectIntegrationRequest", herald__v1__reconnect_integration_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ReconnectIntegrationRequest) throws {
            self.init(integrationId: ProtobufC.string(m.integration_id), url: m.url.map { ProtobufC.string($0.pointee.value) })
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ReconnectIntegrationRequest> {
            let m = arena.message(herald__v1__reconnect_integration_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            m.pointee.url = url.map { value in
                let wrapper = arena.message(herald__v1__string_value__init)
                wrapper.pointee.value = arena.string(value)
                return wrapper
            }
            return m
        }
    }
}

extension V1 {
    public struct IntegrationRef: WireMessage, Equatable, Codable {
        public var integrationId: String = ""

        public init(integrationId: String = "") {
            self.integrationId = integrationId
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "IntegrationRef", herald__v1__integration_ref__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__IntegrationRef) throws {
            self.init(integrationId: ProtobufC.string(m.integration_id))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__IntegrationRef> {
            let m = arena.message(herald__v1__integration_ref__init)
            m.pointee.integration_id = arena.string(integrationId)
            return m
        }
    }
}

extension V1 {
    public struct IntegrationResponse: WireMessage, Equatable, Codable {
        public var integration: Integration = Integration()
        /// The full webhook URL, set only in the reply to the command that set it
        /// (connect, or an edit or reconnect with a new URL). Treat it as a secret.
        public var webhookUrl: String = ""
        /// A custom integration's signing secret ("whsec_..."), set only in the reply
        /// to the connect that created it and to RotateSecret.
        public var signingSecret: String = ""

        public init(integration: Integration = Integration(), webhookUrl: String = "", signingSecret: String = "") {
            self.integration = integration
            self.webhookUrl = webhookUrl
            self.signingSecret = signingSecret
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "IntegrationResponse", herald__v1__integration_response__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__IntegrationResponse) throws {
            self.init(
                integration: try m.integration.map { try Integration($0.pointee) } ?? Integration(), webhookUrl: ProtobufC.string(m.webhook_url),
                signingSecret: ProtobufC.string(m.signing_secret))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__IntegrationResponse> {
            let m = arena.message(herald__v1__integration_response__init)
            m.pointee.integration = integration.build(arena)
            m.pointee.webhook_url = arena.string(webhookUrl)
            m.pointee.signing_secret = arena.string(signingSecret)
            return m
        }
    }
}

extension V1 {
    public struct ListIntegrationsRequest: WireMessage, Equatable, Codable {
        /// Empty lists the integrations of every project.
        public var projectId: String = ""

        public init(projectId: String = "") {
            self.projectId = projectId
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListIntegrationsRequest", herald__v1__list_integrations_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ListIntegrationsRequest) throws {
            self.init(projectId: ProtobufC.string(m.project_id))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ListIntegrationsRequest> {
            let m = arena.message(herald__v1__list_integrations_request__init)
            m.pointee.project_id = arena.string(projectId)
            return m
        }
    }
}

extension V1 {
    public struct ListIntegrationsResponse: WireMessage, Equatable, Codable {
        public var integrations: [Integration] = []

        public init(integrations: [Integration] = []) {
            self.integrations = integrations
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListIntegrationsResponse", herald__v1__list_integrations_response__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ListIntegrationsResponse) throws {
            self.init(integrations: try ProtobufC.messages(m.n_integrations, m.integrations) { try Integration($0) })
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ListIntegrationsResponse> {
            let m = arena.message(herald__v1__list_integrations_response__init)
            (m.pointee.n_integrations, m.pointee.integrations) = arena.messages(integrations.map { $0.build(arena) })
            return m
        }
    }
}

extension V1 {
    public struct ReadEventsRequest: WireMessage, Equatable, Codable {
        /// The first position to return; positions start at 1.
        @JSONInt64 public var fromPosition: UInt64 = 0
        /// The most events to return; 0 means no limit.
        public var limit: UInt32 = 0
        /// Keep the call open and stream events as they are appended.
        public var follow: Bool = false

        public init(fromPosition: UInt64 = 0, limit: UInt32 = 0, follow: Bool = false) {
            self.fromPosition = fromPosition
            self.limit = limit
            self.follow = follow
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ReadEventsRequest", herald__v1__read_events_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ReadEventsRequest) throws {
            self.init(fromPosition: m.from_position, limit: m.limit, follow: m.follow != 0)
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ReadEventsRequest> {
            let m = arena.message(herald__v1__read_events_request__init)
            m.pointee.from_position = fromPosition
            m.pointee.limit = limit
            m.pointee.follow = follow ? 1 : 0
            return m
        }
    }
}

extension V1 {
    /// One event of the log. payload is the stored event message of
    /// herald/v1/events.proto named by type.
    public struct LogEvent: WireMessage, Equatable {
        @JSONInt64 public var position: UInt64 = 0
        public var stream: String = ""
        @JSONInt64 public var version: UInt64 = 0
        public var type: String = ""
        public var payload: [UInt8] = []
        @JSONInt64 public var recordedAtUnixMs: Int64 = 0

        public init(position: UInt64 = 0, stream: String = "", version: UInt64 = 0, type: String = "", payload: [UInt8] = [], recordedAtUnixMs: Int64 = 0) {
            self.position = position
            self.stream = stream
            self.version = version
            self.type = type
            self.payload = payload
            self.recordedAtUnixMs = recordedAtUnixMs
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "LogEvent", herald__v1__log_event__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__LogEvent) throws {
            self.init(
                position: m.position, stream: ProtobufC.string(m.stream), version: m.version, type: ProtobufC.string(m.type),
                payload: ProtobufC.bytes(m.payload), recordedAtUnixMs: m.recorded_at_unix_ms)
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__LogEvent> {
            let m = arena.message(herald__v1__log_event__init)
            m.pointee.position = position
            m.pointee.stream = arena.string(stream)
            m.pointee.version = version
            m.pointee.type = arena.string(type)
            m.pointee.payload = arena.bytes(payload)
            m.pointee.recorded_at_unix_ms = recordedAtUnixMs
            return m
        }
    }
}

extension V1 {
    public struct GetStatusRequest: WireMessage, Equatable, Codable {

        public init() {
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "GetStatusRequest", herald__v1__get_status_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__GetStatusRequest) throws {
            self.init()
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__GetStatusRequest> {
            let m = arena.message(herald__v1__get_status_request__init)
            return m
        }
    }
}

extension V1 {
    public struct ProjectionStatus: WireMessage, Equatable, Codable {
        public var name: String = ""
        @JSONInt64 public var checkpoint: UInt64 = 0
        /// head_position minus checkpoint.
        @JSONInt64 public var lag: UInt64 = 0

        public init(name: String = "", checkpoint: UInt64 = 0, lag: UInt64 = 0) {
            self.name = name
            self.checkpoint = checkpoint
            self.lag = lag
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ProjectionStatus", herald__v1__projection_status__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ProjectionStatus) throws {
            self.init(name: ProtobufC.string(m.name), checkpoint: m.checkpoint, lag: m.lag)
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ProjectionStatus> {
            let m = arena.message(herald__v1__projection_status__init)
            m.pointee.name = arena.string(name)
            m.pointee.checkpoint = checkpoint
            m.pointee.lag = lag
            return m
        }
    }
}

extension V1 {
    public struct StatusResponse: WireMessage, Equatable, Codable {
        @JSONInt64 public var headPosition: UInt64 = 0
        public var projections: [ProjectionStatus] = []
        public var socketPath: String = ""
        public var databasePath: String = ""
        public var version: String = ""
        @JSONInt64 public var startedAtUnixMs: Int64 = 0
        /// The delivery reactor: the log position it has followed up to, the
        /// deliveries waiting in its queue (due or not), and attempts in flight.
        @JSONInt64 public var reactorPosition: UInt64 = 0
        @JSONInt64 public var deliveriesQueued: UInt64 = 0
        @JSONInt64 public var deliveriesInFlight: UInt64 = 0
        /// The daemon's limits: the largest frame it reads, and the most bytes of
        /// data_json a PublishEvent may carry.
        public var maxFrameBytes: UInt32 = 0
        public var maxEventBytes: UInt32 = 0
        /// The id of the key that seals webhook URLs and signing secrets before they
        /// enter the log (heraldd --secrets-key-file); empty when they are stored in
        /// clear.
        public var secretsKeyId: String = ""

        public init(
            headPosition: UInt64 = 0, projections: [ProjectionStatus] = [], socketPath: String = "", databasePath: String = "", version: String = "",
            startedAtUnixMs: Int64 = 0, reactorPosition: UInt64 = 0, deliveriesQueued: UInt64 = 0, deliveriesInFlight: UInt64 = 0, maxFrameBytes: UInt32 = 0,
            maxEventBytes: UInt32 = 0, secretsKeyId: String = ""
        ) {
            self.headPosition = headPosition
            self.projections = projections
            self.socketPath = socketPath
            self.databasePath = databasePath
            self.version = version
            self.startedAtUnixMs = startedAtUnixMs
            self.reactorPosition = reactorPosition
            self.deliveriesQueued = deliveriesQueued
            self.deliveriesInFlight = deliveriesInFlight
            self.maxFrameBytes = maxFrameBytes
            self.maxEventBytes = maxEventBytes
            self.secretsKeyId = secretsKeyId
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "StatusResponse", herald__v1__status_response__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__StatusResponse) throws {
            self.init(
                headPosition: m.head_position, projections: try ProtobufC.messages(m.n_projections, m.projections) { try ProjectionStatus($0) },
                socketPath: ProtobufC.string(m.socket_path), databasePath: ProtobufC.string(m.database_path), version: ProtobufC.string(m.version),
                startedAtUnixMs: m.started_at_unix_ms, reactorPosition: m.reactor_position, deliveriesQueued: m.deliveries_queued,
                deliveriesInFlight: m.deliveries_in_flight, maxFrameBytes: m.max_frame_bytes, maxEventBytes: m.max_event_bytes,
                secretsKeyId: ProtobufC.string(m.secrets_key_id))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__StatusResponse> {
            let m = arena.message(herald__v1__status_response__init)
            m.pointee.head_position = headPosition
            (m.pointee.n_projections, m.pointee.projections) = arena.messages(projections.map { $0.build(arena) })
            m.pointee.socket_path = arena.string(socketPath)
            m.pointee.database_path = arena.string(databasePath)
            m.pointee.version = arena.string(version)
            m.pointee.started_at_unix_ms = startedAtUnixMs
            m.pointee.reactor_position = reactorPosition
            m.pointee.deliveries_queued = deliveriesQueued
            m.pointee.deliveries_in_flight = deliveriesInFlight
            m.pointee.max_frame_bytes = maxFrameBytes
            m.pointee.max_event_bytes = maxEventBytes
            m.pointee.secrets_key_id = arena.string(secretsKeyId)
            return m
        }
    }
}

extension V1 {
    public struct ReplayRequest: WireMessage, Equatable, Codable {

        public init() {
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ReplayRequest", herald__v1__replay_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ReplayRequest) throws {
            self.init()
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ReplayRequest> {
            let m = arena.message(herald__v1__replay_request__init)
            return m
        }
    }
}

extension V1 {
    public struct ReplayProgress: WireMessage, Equatable, Codable {
        @JSONInt64 public var processed: UInt64 = 0
        @JSONInt64 public var total: UInt64 = 0
        public var done: Bool = false

        public init(processed: UInt64 = 0, total: UInt64 = 0, done: Bool = false) {
            self.processed = processed
            self.total = total
            self.done = done
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ReplayProgress", herald__v1__replay_progress__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ReplayProgress) throws {
            self.init(processed: m.processed, total: m.total, done: m.done != 0)
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ReplayProgress> {
            let m = arena.message(herald__v1__replay_progress__init)
            m.pointee.processed = processed
            m.pointee.total = total
            m.pointee.done = done ? 1 : 0
            return m
        }
    }
}

extension V1 {
    public struct PublishEventRequest: WireMessage, Equatable, Codable {
        /// Chosen by the publisher; publishing the same id again returns the first
        /// result. Empty: the daemon chooses one.
        public var eventId: String = ""
        public var projectId: String = ""
        public var projectName: String = ""
        /// One of the nine event types, such as "test_case.created".
        public var eventType: String = ""
        /// RFC 3339 in UTC, such as "2026-08-20T10:15:00Z". Empty: now.
        public var timestamp: String = ""
        /// A JSON object with at least "id" and "title" strings; every other key is
        /// kept. Chat formats also use "url", "createdBy", "deletedBy", "completedBy"
        /// and "stats" {passed, failed, blocked, skipped, total}.
        public var dataJson: String = ""

        public init(
            eventId: String = "", projectId: String = "", projectName: String = "", eventType: String = "", timestamp: String = "", dataJson: String = ""
        ) {
            self.eventId = eventId
            self.projectId = projectId
            self.projectName = projectName
            self.eventType = eventType
            self.timestamp = timestamp
            self.dataJson = dataJson
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "PublishEventRequest", herald__v1__publish_event_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__PublishEventRequest) throws {
            self.init(
                eventId: ProtobufC.string(m.event_id), projectId: ProtobufC.string(m.project_id), projectName: ProtobufC.string(m.project_name),
                eventType: ProtobufC.string(m.event_type), timestamp: ProtobufC.string(m.timestamp), dataJson: ProtobufC.string(m.data_json))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__PublishEventRequest> {
            let m = arena.message(herald__v1__publish_event_request__init)
            m.pointee.event_id = arena.string(eventId)
            m.pointee.project_id = arena.string(projectId)
            m.pointee.project_name = arena.string(projectName)
            m.pointee.event_type = arena.string(eventType)
            m.pointee.timestamp = arena.string(timestamp)
            m.pointee.data_json = arena.string(dataJson)
            return m
        }
    }
}

extension V1 {
    public struct PublishEventResponse: WireMessage, Equatable, Codable {
        public var eventId: String = ""
        /// The deliveries the event fanned out to (none when no integration
        /// subscribes).
        public var deliveries: [Delivery] = []
        /// True when this event id had been published before: nothing new was done.
        public var duplicate: Bool = false

        public init(eventId: String = "", deliveries: [Delivery] = [], duplicate: Bool = false) {
            self.eventId = eventId
            self.deliveries = deliveries
            self.duplicate = duplicate
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "PublishEventResponse", herald__v1__publish_event_response__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__PublishEventResponse) throws {
            self.init(
                eventId: ProtobufC.string(m.event_id), deliveries: try ProtobufC.messages(m.n_deliveries, m.deliveries) { try Delivery($0) },
                duplicate: m.duplicate != 0)
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__PublishEventResponse> {
            let m = arena.message(herald__v1__publish_event_response__init)
            m.pointee.event_id = arena.string(eventId)
            (m.pointee.n_deliveries, m.pointee.deliveries) = arena.messages(deliveries.map { $0.build(arena) })
            m.pointee.duplicate = duplicate ? 1 : 0
            return m
        }
    }
}

extension V1 {
    public struct DeliveryAttempt: WireMessage, Equatable, Codable {
        /// 1 for the first attempt of the delivery; manual retries continue the count.
        public var number: UInt32 = 0
        @JSONInt64 public var startedAtUnixMs: Int64 = 0
        public var durationMs: UInt32 = 0
        /// 0 when no response came (connection error, timeout).
        public var httpStatus: UInt32 = 0
        public var error: String = ""
        /// The start of the response body, at most 512 bytes.
        public var responseSnippet: String = ""
        /// The Location header of a redirect, which is never followed.
        public var location: String = ""
        /// delivered | failed | exhausted | cancelled
        public var outcome: String = ""

        public init(
            number: UInt32 = 0, startedAtUnixMs: Int64 = 0, durationMs: UInt32 = 0, httpStatus: UInt32 = 0, error: String = "", responseSnippet: String = "",
            location: String = "", outcome: String = ""
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

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "DeliveryAttempt", herald__v1__delivery_attempt__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__DeliveryAttempt) throws {
            self.init(
                number: m.number, startedAtUnixMs: m.started_at_unix_ms, durationMs: m.duration_ms, httpStatus: m.http_status, error: ProtobufC.string(m.error),
                responseSnippet: ProtobufC.string(m.response_snippet), location: ProtobufC.string(m.location), outcome: ProtobufC.string(m.outcome))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
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
}

extension V1 {
    public struct Delivery: WireMessage, Equatable, Codable {
        public var id: String = ""
        public var eventId: String = ""
        public var integrationId: String = ""
        public var projectId: String = ""
        public var eventType: String = ""
        /// pending | delivered | failed | exhausted | cancelled
        public var status: String = ""
        public var attemptCount: UInt32 = 0
        /// When the next attempt is due, for pending and failed deliveries.
        @JSONInt64 public var nextAttemptAtUnixMs: Int64 = 0
        @JSONInt64 public var createdAtUnixMs: Int64 = 0
        @JSONInt64 public var updatedAtUnixMs: Int64 = 0
        public var lastHttpStatus: UInt32 = 0
        public var lastError: String = ""
        /// Every attempt, oldest first; only in GetDelivery and RetryDelivery replies.
        public var attempts: [DeliveryAttempt] = []

        public init(
            id: String = "", eventId: String = "", integrationId: String = "", projectId: String = "", eventType: String = "", status: String = "",
            attemptCount: UInt32 = 0, nextAttemptAtUnixMs: Int64 = 0, createdAtUnixMs: Int64 = 0, updatedAtUnixMs: Int64 = 0, lastHttpStatus: UInt32 = 0,
            lastError: String = "", attempts: [DeliveryAttempt] = []
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

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "Delivery", herald__v1__delivery__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__Delivery) throws {
            self.init(
                id: ProtobufC.string(m.id), eventId: ProtobufC.string(m.event_id), integrationId: ProtobufC.string(m.integration_id),
                projectId: ProtobufC.string(m.project_id), eventType: ProtobufC.string(m.event_type), status: ProtobufC.string(m.status),
                attemptCount: m.attempt_count, nextAttemptAtUnixMs: m.next_attempt_at_unix_ms, createdAtUnixMs: m.created_at_unix_ms,
                updatedAtUnixMs: m.updated_at_unix_ms, lastHttpStatus: m.last_http_status, lastError: ProtobufC.string(m.last_error),
                attempts: try ProtobufC.messages(m.n_attempts, m.attempts) { try DeliveryAttempt($0) })
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
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
}

extension V1 {
    public struct ListDeliveriesRequest: WireMessage, Equatable, Codable {
        public var integrationId: String = ""
        /// pending | delivered | failed | exhausted | cancelled; empty: all.
        public var status: String = ""
        public var eventType: String = ""
        /// The most deliveries to return, newest first; 0: 100.
        public var limit: UInt32 = 0

        public init(integrationId: String = "", status: String = "", eventType: String = "", limit: UInt32 = 0) {
            self.integrationId = integrationId
            self.status = status
            self.eventType = eventType
            self.limit = limit
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListDeliveriesRequest", herald__v1__list_deliveries_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ListDeliveriesRequest) throws {
            self.init(
                integrationId: ProtobufC.string(m.integration_id), status: ProtobufC.string(m.status), eventType: ProtobufC.string(m.event_type), limit: m.limit
            )
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ListDeliveriesRequest> {
            let m = arena.message(herald__v1__list_deliveries_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            m.pointee.status = arena.string(status)
            m.pointee.event_type = arena.string(eventType)
            m.pointee.limit = limit
            return m
        }
    }
}

extension V1 {
    public struct ListDeliveriesResponse: WireMessage, Equatable, Codable {
        public var deliveries: [Delivery] = []

        public init(deliveries: [Delivery] = []) {
            self.deliveries = deliveries
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListDeliveriesResponse", herald__v1__list_deliveries_response__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__ListDeliveriesResponse) throws {
            self.init(deliveries: try ProtobufC.messages(m.n_deliveries, m.deliveries) { try Delivery($0) })
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__ListDeliveriesResponse> {
            let m = arena.message(herald__v1__list_deliveries_response__init)
            (m.pointee.n_deliveries, m.pointee.deliveries) = arena.messages(deliveries.map { $0.build(arena) })
            return m
        }
    }
}

extension V1 {
    public struct DeliveryRef: WireMessage, Equatable, Codable {
        public var deliveryId: String = ""

        public init(deliveryId: String = "") {
            self.deliveryId = deliveryId
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "DeliveryRef", herald__v1__delivery_ref__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__DeliveryRef) throws {
            self.init(deliveryId: ProtobufC.string(m.delivery_id))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__DeliveryRef> {
            let m = arena.message(herald__v1__delivery_ref__init)
            m.pointee.delivery_id = arena.string(deliveryId)
            return m
        }
    }
}

extension V1 {
    public struct DeliveryResponse: WireMessage, Equatable, Codable {
        public var delivery: Delivery = Delivery()

        public init(delivery: Delivery = Delivery()) {
            self.delivery = delivery
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "DeliveryResponse", herald__v1__delivery_response__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__DeliveryResponse) throws {
            self.init(delivery: try m.delivery.map { try Delivery($0.pointee) } ?? Delivery())
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__DeliveryResponse> {
            let m = arena.message(herald__v1__delivery_response__init)
            m.pointee.delivery = delivery.build(arena)
            return m
        }
    }
}

extension V1 {
    public struct WatchDeliveriesRequest: WireMessage, Equatable, Codable {
        public var integrationId: String = ""

        public init(integrationId: String = "") {
            self.integrationId = integrationId
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "WatchDeliveriesRequest", herald__v1__watch_deliveries_request__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__WatchDeliveriesRequest) throws {
            self.init(integrationId: ProtobufC.string(m.integration_id))
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__WatchDeliveriesRequest> {
            let m = arena.message(herald__v1__watch_deliveries_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            return m
        }
    }
}

extension V1 {
    public struct TestIntegrationResponse: WireMessage, Equatable, Codable {
        public var delivered: Bool = false
        public var attempt: DeliveryAttempt = DeliveryAttempt()

        public init(delivered: Bool = false, attempt: DeliveryAttempt = DeliveryAttempt()) {
            self.delivered = delivered
            self.attempt = attempt
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "TestIntegrationResponse", herald__v1__test_integration_response__unpack) { m in try Self(m) }
        }

        init(_ m: Herald__V1__TestIntegrationResponse) throws {
            self.init(delivered: m.delivered != 0, attempt: try m.attempt.map { try DeliveryAttempt($0.pointee) } ?? DeliveryAttempt())
        }

        public func wireBytes() -> [UInt8] {
            // The arena owns every C string and message the packed struct points to.
            let arena = CArena()
            return withExtendedLifetime(arena) { ProtobufC.pack(build(arena)) }
        }

        func build(_ arena: CArena) -> UnsafeMutablePointer<Herald__V1__TestIntegrationResponse> {
            let m = arena.message(herald__v1__test_integration_response__init)
            m.pointee.delivered = delivered ? 1 : 0
            m.pointee.attempt = attempt.build(arena)
            return m
        }
    }
}
