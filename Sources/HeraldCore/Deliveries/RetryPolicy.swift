/// When to try again. Plain data: the daemon's `--retry-schedule` and `--attempt-timeout` set it.
public struct RetryPolicy: Sendable, Equatable {
    /// The waits after the 1st, 2nd, … failed attempt of a series; one more failure exhausts it.
    public var schedule: [Duration]
    public var attemptTimeout: Duration
    /// A `Retry-After` longer than this is clamped, so a hostile header can't park a delivery for ever.
    public var retryAfterCap: Duration
    /// Each wait is moved by up to this fraction of it, either way, so that the deliveries an outage
    /// failed together don't all come back in the same instant.
    public var jitter = 0.1

    public static let standard = RetryPolicy(
        schedule: [.seconds(60), .seconds(300), .seconds(1800), .seconds(7200), .seconds(28800)],
        attemptTimeout: .seconds(10), retryAfterCap: .seconds(86400))

    public init(schedule: [Duration], attemptTimeout: Duration, retryAfterCap: Duration = .seconds(86400)) {
        self.schedule = schedule
        self.attemptTimeout = attemptTimeout
        self.retryAfterCap = retryAfterCap
    }

    /// What an attempt's result means for the delivery. `sample`, in [0, 1], places the wait within
    /// its jitter: 0 the earliest, 1 the latest, 0.5 the schedule's own figure. A `Retry-After` is
    /// never cut short by it.
    public func outcome(
        of result: AttemptResult, seriesAttempt: UInt32, finishedAt: Int64,
        sample: Double = 0.5
    ) -> (DeliveryEvent.Attempt.Outcome, nextAttemptAt: Int64) {
        if result.isSuccess { return (.delivered, 0) }
        guard result.isRetryable, Int(seriesAttempt) <= schedule.count else { return (.exhausted, 0) }
        let planned = schedule[Int(seriesAttempt) - 1]
        let shift = jitter * (2 * min(max(sample, 0), 1) - 1)
        var wait = Duration.milliseconds(Int64((Double(planned.milliseconds) * (1 + shift)).rounded()))
        if let retryAfter = result.retryAfter { wait = max(wait, min(retryAfter, retryAfterCap)) }
        return (.failed, finishedAt + wait.milliseconds)
    }

    /// Parses "1m,5m,30m,2h,8h" (units ms, s, m, h).
    public static func parseSchedule(_ text: String) throws(DomainError) -> [Duration] {
        let parts = text.split(separator: ",").map { String($0.trimmingSpaces) }
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw .invalidArgument("retry schedule must be a comma-separated list of durations such as 1m,5m,30m,2h,8h")
        }
        var schedule: [Duration] = []
        for part in parts { schedule.append(try parseDuration(part)) }
        return schedule
    }

    /// The longest duration a flag takes: long enough for any schedule, short enough that a time
    /// in milliseconds plus it can't overflow.
    public static let maximumDuration: Duration = .seconds(10 * 366 * 86_400)

    public static func parseDuration(_ text: String) throws(DomainError) -> Duration {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Int64(text.dropLast(suffix.count)), value >= 0 {
                let (milliseconds, overflow) = value.multipliedReportingOverflow(by: scale)
                guard !overflow, milliseconds <= maximumDuration.milliseconds else {
                    throw .invalidArgument("'\(text)' is longer than the longest duration, 10 years")
                }
                return .milliseconds(milliseconds)
            }
        }
        throw .invalidArgument("'\(text)' is not a duration; use a number with ms, s, m or h, such as 30s")
    }
}

/// How one HTTP attempt went, as the sender saw it.
public struct AttemptResult: Sendable, Equatable {
    /// nil when no response came.
    public var httpStatus: UInt32?
    public var error: String
    public var responseSnippet: String
    public var location: String
    /// From `Retry-After` (or Discord's `retry_after`).
    public var retryAfter: Duration?
    /// How long the endpoint asked not to be sent to at all (Discord's `X-RateLimit-Remaining: 0`
    /// with `X-RateLimit-Reset-After`), whatever this attempt's outcome.
    public var pause: Duration?
    public var duration: Duration

    public init(
        httpStatus: UInt32?, error: String = "", responseSnippet: String = "", location: String = "",
        retryAfter: Duration? = nil, pause: Duration? = nil, duration: Duration
    ) {
        self.pause = pause
        self.httpStatus = httpStatus
        self.error = error
        self.responseSnippet = responseSnippet
        self.location = location
        self.retryAfter = retryAfter
        self.duration = duration
    }

    public var isSuccess: Bool { httpStatus.map { (200..<300).contains($0) } ?? false }

    /// No response, a timeout, a 408, a 429 or a 5xx may go better later; a 3xx or another 4xx won't.
    public var isRetryable: Bool {
        guard let status = httpStatus else { return true }
        return status == 408 || status == 429 || status >= 500
    }
}

extension Duration {
    /// Whole milliseconds, saturating at the bounds of Int64.
    public var milliseconds: Int64 {
        let (scaled, overflowed) = components.seconds.multipliedReportingOverflow(by: 1000)
        let (total, carried) = scaled.addingReportingOverflow(components.attoseconds / 1_000_000_000_000_000)
        guard !overflowed, !carried else { return components.seconds < 0 ? .min : .max }
        return total
    }

    /// A number of seconds from outside (a header, a response body), if it is finite and not
    /// negative; capped at a year, so that converting it can't trap.
    public static func seconds(checked seconds: Double) -> Duration? {
        guard seconds.isFinite, seconds >= 0 else { return nil }
        return .milliseconds(Int64(min(seconds, 366 * 86_400) * 1000))
    }
}
