import HeraldProtoC

/// Swift forms of the messages of `herald/v1/herald.proto`. Property names follow the proto JSON
/// mapping, so that encoding one with `JSONEncoder` gives the document a client in any language expects.
public enum V1 {}

extension V1 {
    public struct Integration: Sendable, Equatable, Codable {
        public var id = ""
        public var projectId = ""
        public var platform = ""
        public var name = ""
        public var maskedUrl = ""
        public var events: [String] = []
        public var status = ""
        @JSONInt64 public var createdAtUnixMs: Int64 = 0
        @JSONInt64 public var updatedAtUnixMs: Int64 = 0
        @JSONInt64 public var version: UInt64 = 0
        @JSONInt64 public var lastAttemptAtUnixMs: Int64 = 0
        public var lastHttpStatus: UInt32 = 0
        public var lastError = ""
        public var consecutiveFailures: UInt32 = 0

        public init(
            id: String = "", projectId: String = "", platform: String = "", name: String = "", maskedUrl: String = "",
            events: [String] = [], status: String = "", createdAtUnixMs: Int64 = 0, updatedAtUnixMs: Int64 = 0,
            version: UInt64 = 0, lastAttemptAtUnixMs: Int64 = 0, lastHttpStatus: UInt32 = 0, lastError: String = "",
            consecutiveFailures: UInt32 = 0
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

        init(_ m: Herald__V1__Integration) {
            self.init(
                id: ProtobufC.string(m.id), projectId: ProtobufC.string(m.project_id),
                platform: ProtobufC.string(m.platform), name: ProtobufC.string(m.name),
                maskedUrl: ProtobufC.string(m.masked_url), events: ProtobufC.strings(m.n_events, m.events),
                status: ProtobufC.string(m.status), createdAtUnixMs: m.created_at_unix_ms,
                updatedAtUnixMs: m.updated_at_unix_ms, version: m.version, lastAttemptAtUnixMs: m.last_attempt_at_unix_ms,
                lastHttpStatus: m.last_http_status, lastError: ProtobufC.string(m.last_error),
                consecutiveFailures: m.consecutive_failures)
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

    public struct ConnectIntegrationRequest: WireMessage, Equatable {
        public var projectId = ""
        public var platform = ""
        public var name = ""
        public var url = ""
        public var events: [String] = []

        public init(projectId: String, platform: String, name: String, url: String, events: [String]) {
            self.projectId = projectId
            self.platform = platform
            self.name = name
            self.url = url
            self.events = events
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ConnectIntegrationRequest", herald__v1__connect_integration_request__unpack) { m in
                Self(
                    projectId: ProtobufC.string(m.project_id), platform: ProtobufC.string(m.platform),
                    name: ProtobufC.string(m.name), url: ProtobufC.string(m.url),
                    events: ProtobufC.strings(m.n_events, m.events))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__connect_integration_request__init)
            m.pointee.project_id = arena.string(projectId)
            m.pointee.platform = arena.string(platform)
            m.pointee.name = arena.string(name)
            m.pointee.url = arena.string(url)
            (m.pointee.n_events, m.pointee.events) = arena.strings(events)
            return ProtobufC.pack(m)
        }
    }

    /// Absent (nil) fields are left unchanged.
    public struct EditIntegrationRequest: WireMessage, Equatable {
        public var integrationId = ""
        public var name: String?
        public var url: String?
        public var events: [String]?

        public init(integrationId: String, name: String? = nil, url: String? = nil, events: [String]? = nil) {
            self.integrationId = integrationId
            self.name = name
            self.url = url
            self.events = events
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "EditIntegrationRequest", herald__v1__edit_integration_request__unpack) { m in
                Self(
                    integrationId: ProtobufC.string(m.integration_id),
                    name: m.name.map { ProtobufC.string($0.pointee.value) },
                    url: m.url.map { ProtobufC.string($0.pointee.value) },
                    events: m.events.map { ProtobufC.strings($0.pointee.n_values, $0.pointee.values) })
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__edit_integration_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            m.pointee.name = name.map { stringValue($0, arena) }
            m.pointee.url = url.map { stringValue($0, arena) }
            m.pointee.events = events.map { events in
                let list = arena.message(herald__v1__event_type_list__init)
                (list.pointee.n_values, list.pointee.values) = arena.strings(events)
                return list
            }
            return ProtobufC.pack(m)
        }
    }

    public struct ReconnectIntegrationRequest: WireMessage, Equatable {
        public var integrationId = ""
        public var url: String?

        public init(integrationId: String, url: String? = nil) {
            self.integrationId = integrationId
            self.url = url
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ReconnectIntegrationRequest", herald__v1__reconnect_integration_request__unpack) { m in
                Self(integrationId: ProtobufC.string(m.integration_id), url: m.url.map { ProtobufC.string($0.pointee.value) })
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__reconnect_integration_request__init)
            m.pointee.integration_id = arena.string(integrationId)
            m.pointee.url = url.map { stringValue($0, arena) }
            return ProtobufC.pack(m)
        }
    }

    public struct IntegrationRef: WireMessage, Equatable {
        public var integrationId = ""

        public init(integrationId: String) { self.integrationId = integrationId }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "IntegrationRef", herald__v1__integration_ref__unpack) { m in
                Self(integrationId: ProtobufC.string(m.integration_id))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__integration_ref__init)
            m.pointee.integration_id = arena.string(integrationId)
            return ProtobufC.pack(m)
        }
    }

    public struct IntegrationResponse: WireMessage, Equatable, Codable {
        public var integration = Integration()
        /// Set only in the reply to the command that set the URL.
        public var webhookUrl = ""
        /// Set only in the reply to the connect that created a custom integration.
        public var signingSecret = ""

        public init(integration: Integration, webhookUrl: String = "", signingSecret: String = "") {
            self.integration = integration
            self.webhookUrl = webhookUrl
            self.signingSecret = signingSecret
        }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "IntegrationResponse", herald__v1__integration_response__unpack) { m in
                Self(
                    integration: m.integration.map { Integration($0.pointee) } ?? Integration(),
                    webhookUrl: ProtobufC.string(m.webhook_url), signingSecret: ProtobufC.string(m.signing_secret))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__integration_response__init)
            m.pointee.integration = integration.build(arena)
            m.pointee.webhook_url = arena.string(webhookUrl)
            m.pointee.signing_secret = arena.string(signingSecret)
            return ProtobufC.pack(m)
        }
    }

    public struct ListIntegrationsRequest: WireMessage, Equatable {
        public var projectId = ""

        public init(projectId: String = "") { self.projectId = projectId }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListIntegrationsRequest", herald__v1__list_integrations_request__unpack) { m in
                Self(projectId: ProtobufC.string(m.project_id))
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__list_integrations_request__init)
            m.pointee.project_id = arena.string(projectId)
            return ProtobufC.pack(m)
        }
    }

    public struct ListIntegrationsResponse: WireMessage, Equatable, Codable {
        public var integrations: [Integration] = []

        public init(integrations: [Integration]) { self.integrations = integrations }

        public init(wireBytes: [UInt8]) throws {
            self = try ProtobufC.unpack(wireBytes, "ListIntegrationsResponse", herald__v1__list_integrations_response__unpack) { m in
                Self(integrations: try ProtobufC.messages(m.n_integrations, m.integrations) { Integration($0) })
            }
        }

        public func wireBytes() -> [UInt8] {
            let arena = CArena()
            let m = arena.message(herald__v1__list_integrations_response__init)
            (m.pointee.n_integrations, m.pointee.integrations) = arena.messages(integrations.map { $0.build(arena) })
            return ProtobufC.pack(m)
        }
    }
}

private func stringValue(_ value: String, _ arena: CArena) -> UnsafeMutablePointer<Herald__V1__StringValue> {
    let wrapper = arena.message(herald__v1__string_value__init)
    wrapper.pointee.value = arena.string(value)
    return wrapper
}
