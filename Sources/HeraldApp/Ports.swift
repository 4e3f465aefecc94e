import HeraldCore

/// What the application needs from the outside world, and the delivery module provides.

/// Resolves a webhook host and applies the SSRF address check.
public protocol HostChecking: Sendable {
    /// Calls back with nil if every address `host` resolves to is public, or with why not.
    func check(host: String, _ completion: @escaping @Sendable ((any Error)?) -> Void)
}

/// Sends one notification now, as a delivery attempt would.
public protocol WebhookSending: Sendable {
    func send(url: String, body: [UInt8], id: String, signingSecret: String) async -> AttemptResult
}

/// What the delivery reactor is doing, for status.
public struct DeliveryProgress: Sendable, Equatable {
    /// The log position it has followed up to.
    public var position: LogPosition
    /// Deliveries waiting in its queue, due or not.
    public var queued: Int
    public var inFlight: Int
    /// Events it could not decode (a damaged log or a bug); each was logged.
    public var undecodable: Int

    public init(position: LogPosition = 0, queued: Int = 0, inFlight: Int = 0, undecodable: Int = 0) {
        self.position = position
        self.queued = queued
        self.inFlight = inFlight
        self.undecodable = undecodable
    }
}
