import HeraldCore
import HeraldStore
import Logging

/// Every command and query Herald answers, over domain types. The RPC server and any other front
/// door map their own messages onto these and back; nothing here knows frames or protobuf.
public struct Application: Sendable {
    public let integrations: IntegrationService
    public let deliveries: DeliveryService
    public let log: LogService

    public struct Settings: Sendable {
        public var allowList: HostAllowList = .none
        public var retryPolicy: RetryPolicy = .standard
        /// The most bytes of data a published event may carry.
        public var maximumEventBytes = PublishedEvent.defaultDataLimit
        /// Seals webhook URLs and signing secrets before they enter the log; none keeps them in clear.
        public var secrets: SecretKeyRing = .none

        public init() {}
    }

    public init(
        store: any EventLog, settings: Settings, hosts: any HostChecking, sender: any WebhookSending,
        startedAt: Int64 = SystemClock.milliseconds(), logger: Logger,
        deliveryProgress: @escaping @Sendable () -> DeliveryProgress? = { nil }
    ) {
        integrations = IntegrationService(
            store: store, decider: IntegrationDecider(allowList: settings.allowList),
            hosts: hosts, sender: sender, secrets: settings.secrets)
        deliveries = DeliveryService(
            store: store, decider: DeliveryDecider(policy: settings.retryPolicy),
            maximumEventBytes: settings.maximumEventBytes)
        log = LogService(
            store: store, startedAt: startedAt, secretsKeyID: settings.secrets.keyID, logger: logger,
            deliveryProgress: deliveryProgress)
    }
}
