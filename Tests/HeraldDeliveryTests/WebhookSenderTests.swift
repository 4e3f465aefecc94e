import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1
import NIOPosix
import TestSupport
import Testing

@testable import HeraldDelivery

@Suite struct WebhookSenderTests {
    @Test func signatureFollowsStandardWebhooks() {
        // The Standard Webhooks reference vector.
        let signature = WebhookSender.signature(
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            timestamp: "1614265330", body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(WebhookSender.signature(secret: "", id: "x", timestamp: "1", body: []) == nil)
    }

    @Test func retryAfterReadsSecondsDatesAndDiscordBodies() {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(WebhookSender.retryAfter(["Retry-After": "120"], body: "", status: 429, now: now) == .seconds(120))
        // 1,000,000 s after the epoch is Mon, 12 Jan 1970 13:46:40 GMT.
        #expect(
            WebhookSender.retryAfter(["Retry-After": "Mon, 12 Jan 1970 13:47:00 GMT"], body: "", status: 503, now: now)
                == .seconds(20))
        #expect(WebhookSender.retryAfter([:], body: #"{"retry_after": 1.5, "global": false}"#, status: 429, now: now) == .milliseconds(1500))
        #expect(WebhookSender.retryAfter([:], body: "nope", status: 429, now: now) == nil)
        #expect(WebhookSender.pause(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "2.5"]) == .milliseconds(2500))
        #expect(WebhookSender.pause(["X-RateLimit-Remaining": "3", "X-RateLimit-Reset-After": "2.5"]) == nil)
    }

    /// A receiver chooses these numbers; converting one once trapped the daemon. Not finite or
    /// negative is no wait at all; a huge one is capped at a year (the policy caps it further).
    @Test(
        arguments: [
            ("inf", nil), ("nan", nil), ("-5", nil), ("1e300", Duration.seconds(366 * 86_400)),
            ("99999999999999999999", Duration.seconds(366 * 86_400)), ("2.5", Duration.milliseconds(2500)),
        ]
            as [(String, Duration?)])
    func aHostileRetryAfterCannotTrap(_ value: String, _ wait: Duration?) {
        let now = Date(timeIntervalSince1970: 1_000_000)
        #expect(WebhookSender.retryAfter(["Retry-After": value], body: "", status: 429, now: now) == wait)
        // JSON has no inf or nan: a number too large for a Double reads as no number.
        if value != "inf", value != "nan" {
            #expect(WebhookSender.retryAfter([:], body: #"{"retry_after": \#(value)}"#, status: 429, now: now) == wait)
        }
        let pause = WebhookSender.pause(["X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": value])
        // A reset that never comes is the longest pause there is, an hour.
        #expect(pause == (value == "inf" ? .seconds(3600) : wait.map { min($0, .seconds(3600)) }))
    }

    /// A log written before ports were checked may hold a URL with a port past 65535: its attempt
    /// fails with the reason, and the sender (which once trapped on it) goes on.
    @Test(arguments: ["https://93.184.216.34:99999/x", "https://localhost:65536/x", "https://[2606:4700:4700::1111]:4294967739/x"])
    func aPortOutOfRangeFailsTheAttempt(_ url: String) async throws {
        try await withSender { sender, receiver in
            let result = await sender.send(url: url, body: [], id: "d1", signingSecret: "")
            #expect(result.httpStatus == nil)
            #expect(result.error.contains("out of range"), "\(result.error)")
            #expect(await sender.send(url: receiver.url(), body: [], id: "d2", signingSecret: "").httpStatus == 200)
        }
    }

    // MARK: Against a real HTTPS receiver

    @Test func keepsConnectionsAliveAndWithinTheLimit() async throws {
        try await withSender(connections: 4) { sender, receiver in
            for n in 0..<20 {
                let result = await sender.send(url: receiver.url("/seq"), body: Array("{\"n\":\(n)}".utf8), id: "d\(n)", signingSecret: "")
                #expect(result.httpStatus == 200, "\(result.error)")
            }
            #expect(receiver.connections == 1)
            let results = await withTaskGroup(of: AttemptResult.self) { group in
                for n in 0..<200 {
                    group.addTask { await sender.send(url: receiver.url("/par"), body: [], id: "p\(n)", signingSecret: "") }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.httpStatus == 200 })
            #expect(receiver.requestCount == 220)
            #expect(receiver.connections <= 4)
        }
    }

    @Test func closesConnectionsLeftIdle() async throws {
        try await withSender(idleTimeout: .seconds(1)) { sender, receiver in
            #expect(await sender.send(url: receiver.url(), body: [], id: "a", signingSecret: "").httpStatus == 200)
            let before = receiver.connections
            try await Task.sleep(for: .milliseconds(2500))
            // Idle for longer than the timeout: closed, so the next attempt needs a new connection.
            #expect(await sender.send(url: receiver.url(), body: [], id: "b", signingSecret: "").httpStatus == 200)
            #expect(receiver.connections == before + 1)
        }
    }

    @Test func sendsTheHeadersAndBodyAsGiven() async throws {
        try await withSender { sender, receiver in
            let result = await sender.send(url: receiver.url("/path/x?q=1&r=%20"), body: Array("{}".utf8), id: "dlv_1", signingSecret: "")
            #expect(result.isSuccess)
            let request = try #require(receiver.requests.first)
            #expect(request.method == "POST" && request.uri == "/path/x?q=1&r=%20")
            #expect(request.header("host") == "localhost:\(receiver.port)")
            #expect(request.header("content-type") == "application/json; charset=utf-8")
            #expect(request.header("user-agent")?.hasPrefix("Herald/") == true)
            #expect(request.header("webhook-id") == "dlv_1" && request.header("webhook-timestamp") != nil)
            #expect(request.header("webhook-signature") == nil)
            #expect(request.text == "{}")
        }
    }

    @Test func readsAtMost64KiBOfAResponseAndThenUsesANewConnection() async throws {
        let huge = String(repeating: "x", count: 200_000)
        try await withSender(respond: { n, _ in n == 0 ? .init(status: 500, body: huge) : .init() }) { sender, receiver in
            let first = await sender.send(url: receiver.url(), body: [], id: "a", signingSecret: "")
            #expect(first.httpStatus == 500 && first.error == "HTTP 500")
            #expect(first.responseSnippet == String(repeating: "x", count: WebhookSender.snippetLimit))
            let second = await sender.send(url: receiver.url(), body: [], id: "b", signingSecret: "")
            #expect(second.httpStatus == 200)
            #expect(receiver.connections == 2)
        }
    }

    @Test func theTimeoutCoversTheWaitForAConnection() async throws {
        try await withSender(
            connections: 1, timeout: .seconds(5),
            respond: { n, _ in .init(delay: n == 0 ? .milliseconds(300) : .zero) }
        ) { sender, receiver in
            async let slow = sender.send(url: receiver.url(), body: [], id: "slow", signingSecret: "")
            try await Task.sleep(for: .milliseconds(20))
            // Waits for the only connection, then gets it.
            let queued = await sender.send(url: receiver.url(), body: [], id: "queued", signingSecret: "")
            #expect(await slow.httpStatus == 200)
            #expect(queued.httpStatus == 200, "\(queued.error)")
            #expect(receiver.connections == 1)
        }
        // The first answer is held until the end: the timeout, not the answer, ends the slow attempt.
        let gate = HTTPSReceiver.Gate()
        defer { gate.open() }
        try await withSender(
            connections: 1, timeout: .seconds(2),
            respond: { n, _ in n == 0 ? .init(status: 503, heldBy: gate) : .init() }
        ) { sender, receiver in
            async let slow = sender.send(url: receiver.url(), body: [], id: "slow", signingSecret: "")
            try await Task.sleep(for: .milliseconds(20))
            // It waits for the only connection, and its own 2 s still bound the whole attempt (whether
            // a fresh connection comes in time after the slow one is given up is a race).
            let queued = await sender.send(url: receiver.url(), body: [], id: "queued", signingSecret: "")
            #expect(queued.duration < .seconds(6), "\(queued.duration)")
            #expect(await slow.error.contains("timed out"))
            gate.open()
            // The abandoned connection is not reused: its late 503 would be taken for this answer.
            let after = await sender.send(url: receiver.url(), body: [], id: "after", signingSecret: "")
            #expect(after.httpStatus == 200, "\(after.error)")
        }
    }

    // MARK: Against receivers that misbehave

    /// Each hostile answer ends within the attempt's timeout, and an endless one is read no further
    /// than the snippet: what a receiver does can't hold an attempt or the daemon's memory.
    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            ("holds the TLS handshake", HostileReceiver.Behaviour.holdHandshake),
            ("trickles a byte a second", .trickle),
            ("sends 100 MB", .flood(bytes: 100 * 1024 * 1024)),
        ])
    func aHostileReceiverCostsOneTimeoutAtMost(_ what: String, _ behaviour: HostileReceiver.Behaviour) async throws {
        try await withTemporaryDirectory { directory in
            let certificates = try TestCertificates.make(in: directory)
            let receiver = try await HostileReceiver(behaviour, certificates: certificates)
            var settings = WebhookSender.Settings()
            settings.caFile = certificates.caPath
            settings.allowList = try HostAllowList(["localhost"])
            settings.attemptTimeout = .seconds(2)
            let sender = try WebhookSender(settings: settings, eventLoop: MultiThreadedEventLoopGroup.singleton.next(), threadPool: .singleton)
            let result = await sender.send(url: receiver.url(), body: Array("{}".utf8), id: "d1", signingSecret: "")
            // The timeout, and a little for the loop to notice it.
            #expect(result.duration < .seconds(3), "\(what): took \(result.duration)")
            if case .flood = behaviour {
                // The status says delivered; the body is read only as far as the snippet, then the
                // connection is dropped: the rest of the 100 MB is never sent, let alone buffered.
                #expect(result.httpStatus == 200, "\(result.error)")
                #expect(result.responseSnippet.utf8.count == WebhookSender.snippetLimit)
                // A connection left open would go on taking the rest at loopback speed meanwhile.
                try await Task.sleep(for: .seconds(1))
                #expect(receiver.bytesSent < 16 * 1024 * 1024, "\(receiver.bytesSent) bytes were taken")
            } else {
                #expect(!result.isSuccess)
                #expect(result.error.contains("timed out"), "\(what): \(result.error)")
            }
            await sender.shutdown()
            await receiver.shutdown()
        }
    }

    @Test func anUnreadableCAFileIsAClearError() throws {
        var settings = WebhookSender.Settings()
        settings.caFile = "/nonexistent/ca.pem"
        #expect {
            try WebhookSender(settings: settings, eventLoop: MultiThreadedEventLoopGroup.singleton.next(), threadPool: .singleton)
        } throws: { "\($0)".contains("cannot read the CA file /nonexistent/ca.pem") }
    }

    private func withSender(
        connections: Int = 16, timeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(30),
        respond: @escaping @Sendable (Int, HTTPSReceiver.Request) -> HTTPSReceiver.Response = { _, _ in .init() },
        _ body: (WebhookSender, HTTPSReceiver) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-sender-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificates = try TestCertificates.make(in: directory)
        let receiver = try await HTTPSReceiver(certificates: certificates, respond: respond)
        var settings = WebhookSender.Settings()
        settings.caFile = certificates.caPath
        settings.allowList = try HostAllowList(["localhost"])
        settings.attemptTimeout = timeout
        settings.maximumConnectionsPerHost = connections
        settings.idleTimeout = idleTimeout
        let sender = try WebhookSender(settings: settings, eventLoop: MultiThreadedEventLoopGroup.singleton.next(), threadPool: .singleton)
        do {
            try await body(sender, receiver)
        } catch {
            await sender.shutdown()
            await receiver.shutdown()
            throw error
        }
        await sender.shutdown()
        await receiver.shutdown()
    }
}
