import AsyncHTTPClient
import Crypto
import Foundation
import HeraldCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// POSTs one notification over HTTPS and reports how it went. It never follows a redirect, bounds
/// the whole attempt by the policy's timeout, reads at most 64 KiB of the response, and connects
/// only to addresses it has checked: the host is resolved here, every address must be public
/// (unless `--allow-host` exempts it), and the connection is pinned to a checked address while TLS
/// still verifies the hostname, so a second DNS answer can't steer it elsewhere.
public final class WebhookSender: Sendable {
    public struct Settings: Sendable {
        public var attemptTimeout: Duration = .seconds(10)
        public var caFile: String?
        public var allowList: HostAllowList = .none
        public var userAgent = "Herald/0.1.0"
        /// How long a host's checked address is reused before it is resolved again.
        public var pinLifetime: Duration = .seconds(60)

        public init() {}
    }

    public static let responseLimit = 64 * 1024
    public static let snippetLimit = 512

    let settings: Settings
    let group: EventLoopGroup
    let threadPool: NIOThreadPool
    /// One client per host and port, pinned to a checked address until `pinnedUntil`. Making one is a
    /// single flight: concurrent attempts to a new host share the first lookup and its connections.
    private let clients = Mutex<[String: (client: Task<HTTPClient, any Error>, pinnedUntil: ContinuousClock.Instant)]>([:])
    private let tls: TLSConfiguration
    /// Parsed webhook URLs, so that an attempt doesn't parse the same URL again.
    private let parsedURLs = Mutex<[String: WebhookURL]>([:])

    public init(settings: Settings, group: EventLoopGroup, threadPool: NIOThreadPool) {
        self.settings = settings
        self.group = group
        self.threadPool = threadPool
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile { tls.additionalTrustRoots = [.file(caFile)] }
        self.tls = tls
    }

    /// Closes every pooled connection.
    public func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return clients.values.map(\.client)
        }
        for client in all { try? await client.value.shutdown() }
    }

    /// One delivery attempt. `id` is the delivery id, sent as `webhook-id` on every retry.
    public func send(url: String, body: [UInt8], id: String, signingSecret: String, now: Date = Date()) async -> AttemptResult {
        let started = ContinuousClock.now
        let timeout = settings.attemptTimeout
        let outcome = await withTaskGroup(of: AttemptResult?.self) { group in
            group.addTask { await self.attempt(url: url, body: body, id: id, signingSecret: signingSecret, now: now, started: started) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : AttemptResult(
                    httpStatus: nil, error: "timed out after \(timeout.milliseconds) ms", duration: ContinuousClock.now - started)
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return outcome ?? AttemptResult(httpStatus: nil, error: "cancelled", duration: ContinuousClock.now - started)
    }

    private func attempt(url: String, body: [UInt8], id: String, signingSecret: String, now: Date,
                         started: ContinuousClock.Instant) async -> AttemptResult {
        func failure(_ message: String) -> AttemptResult {
            AttemptResult(httpStatus: nil, error: message, duration: ContinuousClock.now - started)
        }
        guard let parsed = parse(url) else { return failure("the webhook URL is no longer valid") }
        let client: HTTPClient
        do {
            client = try await pinnedClient(for: parsed)
        } catch {
            return failure("\(error)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let timestamp = String(Int64(now.timeIntervalSince1970))
        request.headers.add(name: "content-type", value: "application/json; charset=utf-8")
        request.headers.add(name: "user-agent", value: settings.userAgent)
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: timestamp)
        if let signature = Self.signature(secret: signingSecret, id: id, timestamp: timestamp, body: body) {
            request.headers.add(name: "webhook-signature", value: signature)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(settings.attemptTimeout.milliseconds))
            var collected = ByteBuffer()
            for try await chunk in response.body {
                var chunk = chunk
                let room = Self.responseLimit - collected.readableBytes
                if chunk.readableBytes > room { chunk = chunk.getSlice(at: chunk.readerIndex, length: room) ?? chunk }
                collected.writeBuffer(&chunk)
                if collected.readableBytes >= Self.responseLimit { break }
            }
            let text = String(decoding: collected.readableBytesView, as: UTF8.self)
            let status = UInt32(response.status.code)
            return AttemptResult(
                httpStatus: status,
                error: (200..<300).contains(status) ? "" : "HTTP \(status)",
                responseSnippet: String(text.prefix(Self.snippetLimit)),
                location: (300..<400).contains(status) ? (response.headers.first(name: "location") ?? "") : "",
                retryAfter: Self.retryAfter(response.headers, body: text, status: status, now: now),
                pause: Self.pause(response.headers), duration: ContinuousClock.now - started)
        } catch {
            return failure(Self.describe(error))
        }
    }

    private func parse(_ url: String) -> WebhookURL? {
        if let cached = parsedURLs.withLock({ $0[url] }) { return cached }
        guard let parsed = try? WebhookURL(validating: url, platform: .custom, allowList: settings.allowList) else { return nil }
        parsedURLs.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[url] = parsed
        }
        return parsed
    }

    /// A client whose connections go only to a checked address of the URL's host.
    private func pinnedClient(for url: WebhookURL) async throws -> HTTPClient {
        let key = "\(url.host):\(url.port ?? 443)"
        let (task, replaced) = clients.withLock { clients -> (Task<HTTPClient, any Error>, Task<HTTPClient, any Error>?) in
            if let cached = clients[key], cached.pinnedUntil > .now { return (cached.client, nil) }
            let task = Task { try await self.makePinnedClient(for: url) }
            let old = clients[key]?.client
            clients[key] = (task, .now + settings.pinLifetime)
            return (task, old)
        }
        if let replaced {
            // Attempts may still be running on the old pin; let them finish first.
            let grace = settings.attemptTimeout + .seconds(5)
            Task {
                try? await Task.sleep(for: grace)
                try? await replaced.value.shutdown()
            }
        }
        do {
            return try await task.value
        } catch {
            // A failed lookup is not cached: the next attempt tries again.
            clients.withLock { clients in
                if clients[key]?.client == task { clients.removeValue(forKey: key) }
            }
            throw error
        }
    }

    private func makePinnedClient(for url: WebhookURL) async throws -> HTTPClient {
        let host = url.host
        let addresses: [IPAddress] = if let literal = IPAddress(literal: host) {
            [literal]
        } else {
            try await threadPool.runIfActive { HostLookup.resolve(host) }
        }
        if !url.isAllowListed {
            do {
                try AddressPolicy.check(host: host, addresses: addresses)
            } catch {
                throw SendError("\(error)")
            }
        }
        guard let pinned = addresses.first else { throw SendError("could not resolve host '\(host)'") }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .seconds(10)))
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        // A refused connection fails the attempt at once; retrying is the retry policy's job.
        configuration.connectionPool.retryConnectionEstablishment = false
        if IPAddress(literal: host) == nil { configuration.dnsOverride = [host: pinned.description] }
        let allowListed = url.isAllowListed
        // The last word on where a connection went: close any that reached an address we did not check.
        configuration.http1_1ConnectionDebugInitializer = { channel in
            guard let remote = channel.remoteAddress?.ipAddress, let address = IPAddress(literal: remote),
                  address == pinned || (address.description == pinned.description),
                  allowListed || AddressClassifier.isPublic(address)
            else {
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(SendError("connection reached an unchecked address"))
            }
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        return HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }

    /// `webhook-signature` of the Standard Webhooks spec, when there is a secret.
    public static func signature(secret: String, id: String, timestamp: String, body: [UInt8]) -> String? {
        guard let key = SigningSecret.key(secret) else { return nil }
        let signed = Array("\(id).\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// `Retry-After` (seconds or an HTTP date), or the `retry_after` seconds of Discord's 429 body.
    static func retryAfter(_ headers: HTTPHeaders, body: String, status: UInt32, now: Date) -> Duration? {
        if let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = formatter.date(from: value) { return .milliseconds(max(0, Int64(date.timeIntervalSince(now) * 1000))) }
        }
        if status == 429, let data = body.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let seconds = (object["retry_after"] as? NSNumber)?.doubleValue, seconds >= 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        return nil
    }

    /// A bucket with nothing left: wait until it resets (Discord's rate-limit headers).
    static func pause(_ headers: HTTPHeaders) -> Duration? {
        guard headers.first(name: "x-ratelimit-remaining") == "0",
              let reset = headers.first(name: "x-ratelimit-reset-after").flatMap(Double.init), reset > 0
        else { return nil }
        return .milliseconds(Int64(min(reset, 3600) * 1000))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError: "\(error)"
        case let error as SendError: error.message
        case let error as NIOSSLError: "TLS: \(error)"
        default: "\(error)"
        }
    }
}

struct SendError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
