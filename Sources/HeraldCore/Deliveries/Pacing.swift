/// How fast one webhook may be sent to, from each platform's documented limits, so that normal
/// bursts don't earn 429s: Slack about 1 per second per webhook, Teams 4 per second, Google Chat
/// about 1 per second per space. Discord publishes its limits in response headers and answers
/// 429 with `retry_after`, which the retry policy honours; custom endpoints are not paced.
public struct Pacing: Sendable, Equatable {
    public var interval: [Platform: Duration]
    /// Attempts in flight at once to one integration.
    public var concurrency: [Platform: Int]

    public static let standard = Pacing(
        interval: [.slack: .seconds(1), .teams: .milliseconds(250), .googleChat: .seconds(1), .discord: .milliseconds(400)],
        concurrency: [.custom: 8])

    public static let unpaced = Pacing(interval: [:], concurrency: [.slack: 8, .teams: 8, .googleChat: 8, .discord: 8, .custom: 8])

    public init(interval: [Platform: Duration], concurrency: [Platform: Int]) {
        self.interval = interval
        self.concurrency = concurrency
    }

    public func interval(for platform: Platform) -> Duration { interval[platform] ?? .zero }
    public func concurrency(for platform: Platform) -> Int { concurrency[platform] ?? 1 }
}
