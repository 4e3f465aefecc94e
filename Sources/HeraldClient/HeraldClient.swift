import HeraldWire

/// Typed calls of `herald.v1.Herald`.
public struct HeraldClient: Sendable {
    public let connection: RPCConnection
    public var timeout: Duration?

    public init(connection: RPCConnection, timeout: Duration? = .seconds(30)) {
        self.connection = connection
        self.timeout = timeout
    }

    public static func connect(socketPath: String) async throws -> HeraldClient {
        HeraldClient(connection: try await RPCConnection.connect(socketPath: socketPath))
    }

    public func close() async { await connection.close() }

    public func connectIntegration(_ request: V1.ConnectIntegrationRequest) async throws -> V1.IntegrationResponse {
        try await connection.unary(Method.connectIntegration, request, timeout: timeout)
    }

    public func editIntegration(_ request: V1.EditIntegrationRequest) async throws -> V1.IntegrationResponse {
        try await connection.unary(Method.editIntegration, request, timeout: timeout)
    }

    public func resetIntegration(_ id: String) async throws -> V1.IntegrationResponse {
        try await connection.unary(Method.resetIntegration, V1.IntegrationRef(integrationId: id), timeout: timeout)
    }

    public func reconnectIntegration(_ request: V1.ReconnectIntegrationRequest) async throws -> V1.IntegrationResponse {
        try await connection.unary(Method.reconnectIntegration, request, timeout: timeout)
    }

    public func getIntegration(_ id: String) async throws -> V1.IntegrationResponse {
        try await connection.unary(Method.getIntegration, V1.IntegrationRef(integrationId: id), timeout: timeout)
    }

    public func listIntegrations(projectId: String = "") async throws -> V1.ListIntegrationsResponse {
        try await connection.unary(Method.listIntegrations, V1.ListIntegrationsRequest(projectId: projectId), timeout: timeout)
    }

    public func status() async throws -> V1.StatusResponse {
        try await connection.unary(Method.getStatus, V1.GetStatusRequest(), timeout: timeout)
    }

    /// The log from a position; with `follow`, an endless stream of new events.
    public func readEvents(_ request: V1.ReadEventsRequest) -> AsyncThrowingMapSequence<AsyncThrowingStream<[UInt8], any Error>, V1.LogEvent> {
        connection.serverStream(Method.readEvents, request, timeout: request.follow ? nil : timeout)
    }

    public func replay() -> AsyncThrowingMapSequence<AsyncThrowingStream<[UInt8], any Error>, V1.ReplayProgress> {
        connection.serverStream(Method.replay, V1.ReplayRequest())
    }

    public func publish(_ request: V1.PublishEventRequest) async throws -> V1.PublishEventResponse {
        try await connection.unary(Method.publishEvent, request, timeout: timeout)
    }

    public func listDeliveries(_ request: V1.ListDeliveriesRequest) async throws -> V1.ListDeliveriesResponse {
        try await connection.unary(Method.listDeliveries, request, timeout: timeout)
    }

    public func getDelivery(_ id: String) async throws -> V1.DeliveryResponse {
        try await connection.unary(Method.getDelivery, V1.DeliveryRef(deliveryId: id), timeout: timeout)
    }

    public func retryDelivery(_ id: String) async throws -> V1.DeliveryResponse {
        try await connection.unary(Method.retryDelivery, V1.DeliveryRef(deliveryId: id), timeout: timeout)
    }

    public func testIntegration(_ id: String) async throws -> V1.TestIntegrationResponse {
        try await connection.unary(Method.testIntegration, V1.IntegrationRef(integrationId: id), timeout: timeout)
    }

    public func rotateSecret(_ id: String) async throws -> V1.IntegrationResponse {
        try await connection.unary(Method.rotateSecret, V1.IntegrationRef(integrationId: id), timeout: timeout)
    }

    /// Delivery state changes as they are committed, until the iteration ends.
    public func watchDeliveries(integrationId: String = "") -> AsyncThrowingMapSequence<AsyncThrowingStream<[UInt8], any Error>, V1.Delivery> {
        connection.serverStream(Method.watchDeliveries, V1.WatchDeliveriesRequest(integrationId: integrationId))
    }
}
