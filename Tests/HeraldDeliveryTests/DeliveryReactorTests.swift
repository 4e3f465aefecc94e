import HeraldApp
import HeraldCore
import HeraldStore
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import HeraldDelivery

/// The reactor against the log in memory, on an event loop whose clock the test moves: a whole
/// retry schedule of hours runs in milliseconds. The sender here is a stand-in that answers as the
/// test says at once; the real sender against a real HTTPS receiver is in WebhookSenderTests and
/// the delivery flow tests.
@Suite(.timeLimit(.minutes(1))) struct DeliveryReactorTests {
    /// Answers each attempt with the scripted result, and notes the virtual time of each.
    final class ScriptedSender: AttemptSending {
        let loop: NIOAsyncTestingEventLoop
        let answer: @Sendable (_ attempt: Int, _ url: String) -> AttemptResult
        private let calls = Mutex<[(url: String, at: Int64)]>([])

        init(loop: NIOAsyncTestingEventLoop, answer: @escaping @Sendable (Int, String) -> AttemptResult) {
            self.loop = loop
            self.answer = answer
        }

        var eventLoop: any EventLoop { loop }
        var made: [(url: String, at: Int64)] { calls.withLock { $0 } }

        func submit(url: String, body: [UInt8], id: String, signingSecret: String) -> EventLoopFuture<AttemptResult> {
            let index = calls.withLock { calls in
                calls.append((url, Self.milliseconds(loop.now)))
                return calls.count - 1
            }
            return loop.makeSucceededFuture(answer(index, url))
        }

        func shutdown() async {}

        static func milliseconds(_ deadline: NIODeadline) -> Int64 { Int64(deadline.uptimeNanoseconds / 1_000_000) }
    }

    struct Harness {
        let loop: NIOAsyncTestingEventLoop
        let log: MemoryEventLog
        let sender: ScriptedSender
        let deliveries: DeliveryService
        let reactor: DeliveryReactor
        let task: Task<Void, any Error>

        /// Runs the loop's pending work (what other threads handed it) until `condition` holds, for at
        /// most five seconds of real time; the virtual clock does not move.
        func settle(_ what: String, until condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(5)
            while try await !condition() {
                guard ContinuousClock.now < deadline else {
                    Issue.record("timed out waiting for: \(what)")
                    return
                }
                await loop.run()
                try await Task.sleep(for: .milliseconds(1))
            }
        }

        func now() -> Int64 { ScriptedSender.milliseconds(loop.now) }

        func stop() async throws {
            reactor.stop()
            try await settle("the reactor to stop") { task.isCancelled || reactor.progress.inFlight == 0 }
            task.cancel()
            await loop.run()
            _ = await task.result
        }
    }

    func withReactor<T>(
        integrations: [String] = ["https://a.test/hook"], log: MemoryEventLog? = nil, secrets: SecretKeyRing = .none,
        answer: @escaping @Sendable (Int, String) -> AttemptResult,
        _ body: (Harness) async throws -> T
    ) async throws -> T {
        let loop = NIOAsyncTestingEventLoop()
        let clock: @Sendable () -> Int64 = { ScriptedSender.milliseconds(loop.now) }
        let log = log ?? MemoryEventLog(clock: clock)
        for (n, url) in integrations.enumerated() where log.integrations.integration(IntegrationID("int_\(n)")) == nil {
            try await log.write { unit in
                try unit.append(
                    [
                        .connected(
                            .init(
                                id: IntegrationID("int_\(n)"), projectID: "P", platform: .custom, name: "i\(n)",
                                url: url, events: [.testCaseCreated]))
                    ],
                    to: IntegrationID("int_\(n)"), expectedVersion: 0)
            }
        }
        let sender = ScriptedSender(loop: loop, answer: answer)
        // The retry lands exactly on the schedule: the jitter is fixed at its middle.
        let deliveries = DeliveryService(store: log, decider: DeliveryDecider(), jitter: { 0.5 })
        var settings = DeliveryReactor.Settings()
        settings.pacing = .unpaced
        settings.secrets = secrets
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let reactor = DeliveryReactor(store: log, deliveries: deliveries, sender: sender, settings: settings, logger: logger, clock: clock)
        let task = Task { try await reactor.run() }
        let harness = Harness(loop: loop, log: log, sender: sender, deliveries: deliveries, reactor: reactor, task: task)
        do {
            let result = try await body(harness)
            try await harness.stop()
            await loop.shutdownGracefully()
            return result
        } catch {
            try? await harness.stop()
            await loop.shutdownGracefully()
            throw error
        }
    }

    func publish(_ deliveries: DeliveryService) async throws -> [Delivery] {
        try await withCheckedThrowingContinuation { continuation in
            deliveries.publish(
                .init(projectID: "P", eventType: "test_case.created", dataJSON: #"{"id":"1","title":"t"}"#),
                deadline: nil
            ) { continuation.resume(with: $0.map(\.deliveries)) }
        }
    }

    func delivery(_ harness: Harness, _ id: DeliveryID) async throws -> Delivery? {
        try await harness.log.read { try $0.delivery(id) }
    }

    /// The standard schedule, end to end: an attempt at once, then after 1 m, 5 m, 30 m, 2 h and
    /// 8 h, each exactly when due and not a millisecond before, then exhausted.
    @Test func aFailingEndpointGetsTheWholeScheduleThenExhausts() async throws {
        try await withReactor(answer: { _, _ in AttemptResult(httpStatus: 503, error: "HTTP 503", duration: .zero) }) { harness in
            try await harness.settle("the reactor to start") { harness.reactor.progress.position == 1 }
            let id = try #require(try await publish(harness.deliveries).first?.id)
            var due: Int64 = 0
            for (attempt, wait) in [0, 60_000, 300_000, 1_800_000, 7_200_000, 28_800_000].enumerated() {
                due += Int64(wait)
                if wait > 0 {
                    await harness.loop.advanceTime(to: .uptimeNanoseconds(UInt64(due - 1) * 1_000_000))
                    await harness.loop.run()
                    #expect(harness.sender.made.count == attempt, "nothing before it is due")
                    await harness.loop.advanceTime(to: .uptimeNanoseconds(UInt64(due) * 1_000_000))
                }
                try await harness.settle("attempt \(attempt + 1)") { harness.sender.made.count == attempt + 1 }
                #expect(harness.sender.made.last?.at == due)
                // The recorder gathers outcomes for 2 ms before it writes them; the next wait counts
                // from when the attempt was made, not from when it was recorded.
                await harness.loop.advanceTime(by: .milliseconds(2))
                try await harness.settle("attempt \(attempt + 1) recorded") {
                    try await delivery(harness, id)?.attemptCount == UInt32(attempt + 1)
                }
            }
            #expect(try await delivery(harness, id)?.status == .exhausted)
            #expect(
                try await harness.log.read { try $0.attempts(of: id) }.map(\.outcome)
                    == [.failed, .failed, .failed, .failed, .failed, .exhausted])
            try await harness.settle("the queue to empty") { harness.reactor.progress.queued == 0 }
            // A day later, still nothing more.
            await harness.loop.advanceTime(by: .hours(24))
            await harness.loop.run()
            #expect(harness.sender.made.count == 6)
        }
    }

    @Test func aRetryAfterPutsTheNextAttemptLater() async throws {
        try await withReactor(answer: { attempt, _ in
            attempt == 0 ? AttemptResult(httpStatus: 429, retryAfter: .seconds(600), duration: .zero) : AttemptResult(httpStatus: 200, duration: .zero)
        }) { harness in
            try await harness.settle("the reactor to start") { harness.reactor.progress.position == 1 }
            let id = try #require(try await publish(harness.deliveries).first?.id)
            try await harness.settle("the first attempt") { harness.sender.made.count == 1 }
            await harness.loop.advanceTime(by: .milliseconds(2))
            try await harness.settle("its outcome") { try await delivery(harness, id)?.status == .failed }
            // The schedule says 1 m; the receiver asked for 10.
            await harness.loop.advanceTime(to: .uptimeNanoseconds(599_000 * 1_000_000))
            await harness.loop.run()
            #expect(harness.sender.made.count == 1)
            await harness.loop.advanceTime(to: .uptimeNanoseconds(600_000 * 1_000_000))
            try await harness.settle("the second attempt") { harness.sender.made.count == 2 }
            #expect(harness.sender.made[1].at == 600_000)
            await harness.loop.advanceTime(by: .milliseconds(2))
            try await harness.settle("delivered") { try await delivery(harness, id)?.status == .delivered }
        }
    }

    /// A URL sealed at rest is opened for its request; one that no key given opens fails its
    /// attempt with the reason, which retries, and nothing traps.
    @Test func aSealedURLIsOpenedToSendAndOneWithoutItsKeyFailsTheAttempt() async throws {
        let ring = try SecretKeyRing(key: [UInt8](repeating: 5, count: 32))
        let other = try SecretKeyRing(key: [UInt8](repeating: 6, count: 32))
        try await withReactor(
            integrations: [ring.sealURL("https://a.test/hook"), other.sealURL("https://b.test/hook")], secrets: ring,
            answer: { _, _ in AttemptResult(httpStatus: 200, duration: .zero) }
        ) { harness in
            try await harness.settle("the reactor to start") { harness.reactor.progress.position == 2 }
            let published = try await publish(harness.deliveries)
            let unopened = try #require(published.first { $0.integrationID == IntegrationID("int_1") })
            try await harness.settle("the attempt that could be made") { harness.sender.made.count == 1 }
            #expect(harness.sender.made.map(\.url) == ["https://a.test/hook"], "the sender gets the URL in clear")
            await harness.loop.advanceTime(by: .milliseconds(2))
            try await harness.settle("the other's failure") { try await delivery(harness, unopened.id)?.status == .failed }
            let failed = try #require(try await delivery(harness, unopened.id))
            #expect(failed.lastError.contains("sealed with key \(other.keyID!)"), "\(failed.lastError)")
        }
    }

    /// A cancelled delivery's retry never comes, while another integration's, due at the same
    /// moment, does: the positive control that the clock did reach it.
    @Test func aCancelledDeliveryIsNotTriedAgain() async throws {
        try await withReactor(
            integrations: ["https://a.test/hook", "https://b.test/hook"],
            answer: { attempt, _ in AttemptResult(httpStatus: attempt < 2 ? 500 : 200, duration: .zero) }
        ) { harness in
            try await harness.settle("the reactor to start") { harness.reactor.progress.position == 2 }
            let published = try await publish(harness.deliveries)
            #expect(published.count == 2)
            try await harness.settle("both first attempts") { harness.sender.made.count == 2 }
            await harness.loop.advanceTime(by: .milliseconds(2))
            try await harness.settle("both failed") {
                try await harness.log.read { views in try published.allSatisfy { try views.delivery($0.id)?.status == .failed } }
            }
            let cancelled = try #require(published.first { $0.integrationID == IntegrationID("int_0") })
            let version = try #require(try await delivery(harness, cancelled.id)).version
            try await harness.log.write { try $0.append([.cancelled(reason: "test")], to: cancelled.id, expectedVersion: version) }
            try await harness.settle("the cancellation to reach the queue") { harness.reactor.progress.queued == 1 }
            await harness.loop.advanceTime(by: .seconds(61))
            try await harness.settle("the other retry") { harness.sender.made.count == 3 }
            await harness.loop.advanceTime(by: .seconds(3600))
            await harness.loop.run()
            #expect(
                harness.sender.made.map(\.url) == ["https://a.test/hook", "https://b.test/hook", "https://b.test/hook"]
                    || harness.sender.made.map(\.url) == ["https://b.test/hook", "https://a.test/hook", "https://b.test/hook"])
            #expect(try await delivery(harness, cancelled.id)?.status == .cancelled)
        }
    }

    /// A reactor started on a log with a failed delivery takes it up from the view, at its due time.
    @Test func aNewReactorPicksUpWhereTheLastLeftOff() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let log = MemoryEventLog(clock: { ScriptedSender.milliseconds(loop.now) })
        let id = try await withReactor(log: log, answer: { _, _ in AttemptResult(httpStatus: 503, duration: .zero) }) { harness in
            try await harness.settle("the reactor to start") { harness.reactor.progress.position == 1 }
            let id = try #require(try await publish(harness.deliveries).first?.id)
            try await harness.settle("the first attempt") { harness.sender.made.count == 1 }
            await harness.loop.advanceTime(by: .milliseconds(2))
            try await harness.settle("recorded") { try await delivery(harness, id)?.status == .failed }
            return id
        }
        let due = try #require(try await log.read { try $0.delivery(id) }?.nextAttemptAt)
        try await withReactor(log: log, answer: { _, _ in AttemptResult(httpStatus: 200, duration: .zero) }) { harness in
            try await harness.settle("the reactor to start") { harness.reactor.progress.queued == 1 }
            await harness.loop.advanceTime(to: .uptimeNanoseconds(UInt64(due) * 1_000_000))
            try await harness.settle("the retry") { harness.sender.made.count == 1 }
            await harness.loop.advanceTime(by: .milliseconds(2))
            try await harness.settle("delivered") { try await delivery(harness, id)?.status == .delivered }
        }
    }
}
