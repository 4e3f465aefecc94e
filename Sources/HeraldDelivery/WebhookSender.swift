import Crypto
import Foundation
import HeraldApp
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
/// (unless `--allow-host` exempts it), and each connection goes to a checked address while TLS
/// still verifies the hostname, so a second DNS answer can't steer it elsewhere.
///
/// Connections are kept alive and shared per host (`HostConnections`), all on one event loop, the
/// reactor's: an attempt runs there from request to response, with no task or thread hop of its own.
public final class WebhookSender: Sendable {
    public struct Settings: Sendable {
        public var attemptTimeout: Duration = .seconds(10)
        public var caFile: String?
        public var allowList: HostAllowList = .none
        public var userAgent = "Herald/\(HeraldVersion.current)"
        /// How long a host's checked address is reused before it is resolved again.
        public var pinLifetime: Duration = .seconds(60)
        public var maximumConnectionsPerHost = 16
        /// An idle keep-alive connection is closed after this, before servers tire of it.
        public var idleTimeout: Duration = .seconds(30)

        public init() {}
    }

    public static let responseLimit = 64 * 1024
    public static let snippetLimit = 512

    let settings: Settings
    /// Where every connection, and every attempt's answer, lives.
    public let eventLoop: any EventLoop
    let resolver: HostResolver
    private let tls: NIOSSLContext
    /// Each host's connections, pinned to a checked address until `pinnedUntil`. Making them is a
    /// single flight: concurrent attempts to a new host share the first lookup.
    private let hosts = Mutex<[String: PinnedHost]>([:])

    private struct PinnedHost {
        let connections: EventLoopFuture<HostConnections>
        /// The same, once the lookup succeeded: most attempts find it here and wait for nothing.
        var ready: HostConnections?
        let pinnedUntil: ContinuousClock.Instant
    }

    /// Keyed HMACs, by signing secret.
    private let signers = Mutex<[String: KeyedHMAC]>([:])
    /// Parsed webhook URLs, so that an attempt doesn't parse the same URL again.
    private let parsedURLs = Mutex<[String: WebhookURL]>([:])

    /// Throws when `caFile` can't be read as PEM certificates.
    public init(settings: Settings, eventLoop: any EventLoop, threadPool: NIOThreadPool) throws {
        self.settings = settings
        self.eventLoop = eventLoop
        resolver = HostResolver(threadPool: threadPool)
        var tls = TLSConfiguration.makeClientConfiguration()
        // A connection given up on needn't wait long for the peer's close_notify.
        tls.shutdownTimeout = .seconds(1)
        if let caFile = settings.caFile {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            } catch {
                throw SendError("cannot read the CA file \(caFile): \(error)")
            }
        }
        self.tls = try NIOSSLContext(configuration: tls)
    }

    /// Closes every pooled connection.
    public func shutdown() async {
        let all = hosts.withLock { hosts in
            defer { hosts.removeAll() }
            return hosts.values.map(\.connections)
        }
        for connections in all { try? await connections.get().drain() }
    }

    /// One delivery attempt. `id` is the delivery id, sent as `webhook-id` on every retry.
    public func send(url: String, body: [UInt8], id: String, signingSecret: String, now: Date = Date()) async -> AttemptResult {
        // The future never fails: every error is an attempt's result.
        (try? await submit(url: url, body: body, id: id, signingSecret: signingSecret, now: now).get())
            ?? AttemptResult(httpStatus: nil, error: "cancelled", duration: .zero)
    }

    /// The same, as a future that completes on the host's event loop: the reactor's attempts need no
    /// task of their own. It never fails; an error is the attempt's result.
    public func submit(url: String, body: [UInt8], id: String, signingSecret: String, now: Date = Date()) -> EventLoopFuture<AttemptResult> {
        let started = ContinuousClock.now
        let deadline = NIODeadline.now() + .milliseconds(settings.attemptTimeout.milliseconds)
        let failure = { @Sendable (message: String) in
            AttemptResult(httpStatus: nil, error: message, duration: ContinuousClock.now - started)
        }
        let parsed: WebhookURL
        switch parse(url) {
        case .success(let url): parsed = url
        // A log written by an older Herald may hold a URL that today's rules refuse.
        case .failure(let error): return eventLoop.makeSucceededFuture(failure("the webhook URL is not valid: \(error.message)"))
        }
        let request = makeRequest(parsed, body: body, id: id, signingSecret: signingSecret, now: now)
        let exchange = { @Sendable (connections: HostConnections) in
            connections.execute(request, timeout: deadline - .now()).map { self.result(of: $0, now: now, started: started) }
        }
        let attempt =
            switch connections(for: parsed) {
            case .ready(let connections): exchange(connections)
            case .pending(let lookup): within(deadline, lookup).flatMap(exchange)
            }
        return attempt.recover { failure(Self.describe($0)) }
    }

    private func makeRequest(_ url: WebhookURL, body: [UInt8], id: String, signingSecret: String, now: Date) -> HTTPSRequest {
        let timestamp = String(Int64(now.timeIntervalSince1970))
        var headers = HTTPHeaders()
        headers.reserveCapacity(8)
        headers.add(name: "host", value: url.hostHeader)
        headers.add(name: "user-agent", value: settings.userAgent)
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "webhook-id", value: id)
        headers.add(name: "webhook-timestamp", value: timestamp)
        if let mac = signer(signingSecret) {
            headers.add(name: "webhook-signature", value: Self.signature(mac, id: id, timestamp: timestamp, body: body))
        }
        return HTTPSRequest(
            head: HTTPRequestHead(version: .http1_1, method: .POST, uri: url.target, headers: headers),
            body: ByteBuffer(bytes: body))
    }

    private func result(of response: HTTPSResponse, now: Date, started: ContinuousClock.Instant) -> AttemptResult {
        let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
        let status = UInt32(response.status.code)
        return AttemptResult(
            httpStatus: status,
            error: (200..<300).contains(status) ? "" : "HTTP \(status)",
            responseSnippet: String(text.prefix(Self.snippetLimit)),
            location: (300..<400).contains(status) ? (response.headers.first(name: "location") ?? "") : "",
            retryAfter: Self.retryAfter(response.headers, body: text, status: status, now: now),
            pause: Self.pause(response.headers), duration: ContinuousClock.now - started)
    }

    private func parse(_ url: String) -> Result<WebhookURL, DomainError> {
        if let cached = parsedURLs.withLock({ $0[url] }) { return .success(cached) }
        let result = Result { () throws(DomainError) in
            try WebhookURL(validating: url, platform: .custom, allowList: settings.allowList)
        }
        guard case .success(let parsed) = result else { return result }
        parsedURLs.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll() }
            cache[url] = parsed
        }
        return result
    }

    private enum Lookup {
        case ready(HostConnections)
        case pending(EventLoopFuture<HostConnections>)
    }

    /// The connections of the URL's host and port, which go only to a checked address.
    private func connections(for url: WebhookURL) -> Lookup {
        // The Host header names host and port, and names "host:443" and "host" alike.
        let key = url.hostHeader
        let now = ContinuousClock.now
        let (lookup, replaced) = hosts.withLock { hosts -> (Lookup, EventLoopFuture<HostConnections>??) in
            if let cached = hosts[key], cached.pinnedUntil > now {
                return (cached.ready.map { .ready($0) } ?? .pending(cached.connections), nil)
            }
            let connections = pinnedConnections(for: url)
            let old = hosts[key]?.connections
            hosts[key] = PinnedHost(connections: connections, pinnedUntil: now + settings.pinLifetime)
            return (.pending(connections), .some(old))
        }
        if case .some(let old) = replaced, case .pending(let connections) = lookup {
            // Attempts still running on the old pin finish there; its connections close as they come free.
            old?.whenSuccess { $0.drain() }
            connections.whenComplete { result in
                self.hosts.withLock { hosts in
                    guard hosts[key]?.connections === connections else { return }
                    switch result {
                    case .success(let ready): hosts[key]?.ready = ready
                    // A failed lookup is not kept: the next attempt tries again.
                    case .failure: hosts.removeValue(forKey: key)
                    }
                }
            }
        }
        return lookup
    }

    private func pinnedConnections(for url: WebhookURL) -> EventLoopFuture<HostConnections> {
        let host = url.host
        let (tls, port, eventLoop) = (self.tls, url.port ?? 443, self.eventLoop)
        var connectionSettings = HostConnections.Settings()
        connectionSettings.maximumConnections = settings.maximumConnectionsPerHost
        connectionSettings.connectTimeout = .milliseconds(settings.attemptTimeout.milliseconds)
        connectionSettings.responseLimit = Self.responseLimit
        connectionSettings.idleTimeout = .milliseconds(settings.idleTimeout.milliseconds)
        let settings = connectionSettings
        return resolver.checkedAddresses(of: host, allowListed: url.isAllowListed, on: eventLoop)
            .flatMapErrorThrowing { throw SendError("\($0)") }
            .flatMapThrowing { addresses in
                HostConnections(
                    serverName: url.isIPLiteral ? nil : host, address: try SocketAddress(ipAddress: addresses[0].description, port: port),
                    eventLoop: eventLoop, tls: tls, settings: settings)
            }
    }

    /// `future`, or a timeout error if it has not succeeded by `deadline`.
    private func within<T: Sendable>(_ deadline: NIODeadline, _ future: EventLoopFuture<T>) -> EventLoopFuture<T> {
        let promise = future.eventLoop.makePromise(of: T.self)
        let timeout = future.eventLoop.scheduleTask(deadline: deadline) {
            promise.fail(SendError("timed out after \(self.settings.attemptTimeout.milliseconds) ms"))
        }
        future.whenComplete { result in
            timeout.cancel()
            promise.completeWith(result)
        }
        return promise.futureResult
    }

    /// `webhook-signature` of the Standard Webhooks spec, when there is a secret.
    public static func signature(secret: String, id: String, timestamp: String, body: [UInt8]) -> String? {
        SigningSecret.key(secret).map { signature(HMAC(key: SymmetricKey(data: $0)), id: id, timestamp: timestamp, body: body) }
    }

    /// Signs with `mac`, an HMAC keyed but not yet fed (a copy: it is a value).
    static func signature(_ mac: HMAC<SHA256>, id: String, timestamp: String, body: [UInt8]) -> String {
        var mac = mac
        mac.update(data: Array("\(id).\(timestamp).".utf8))
        mac.update(data: body)
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }

    /// An HMAC keyed with the secret, made once per secret: keying hashes the key pads, which showed
    /// in profiles of every attempt to a custom endpoint.
    private func signer(_ secret: String) -> HMAC<SHA256>? {
        if secret.isEmpty { return nil }
        if let keyed = signers.withLock({ $0[secret] }) { return keyed.mac }
        guard let bytes = SigningSecret.key(secret) else { return nil }
        let keyed = KeyedHMAC(mac: HMAC(key: SymmetricKey(data: bytes)))
        signers.withLock { signers in
            if signers.count >= 10_000 { signers.removeAll() }
            signers[secret] = keyed
        }
        return keyed.mac
    }

    /// An HMAC state is a plain value, copied before each use.
    private struct KeyedHMAC: @unchecked Sendable {
        let mac: HMAC<SHA256>
    }

    /// `Retry-After` (seconds or an HTTP date), or the `retry_after` seconds of Discord's 429 body.
    static func retryAfter(_ headers: HTTPHeaders, body: String, status: UInt32, now: Date) -> Duration? {
        if let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) {
            if let seconds = Double(value) { return Duration.seconds(checked: seconds) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = formatter.date(from: value) { return Duration.seconds(checked: max(0, date.timeIntervalSince(now))) }
        }
        if status == 429, let data = body.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let seconds = (object["retry_after"] as? NSNumber)?.doubleValue
        {
            return Duration.seconds(checked: seconds)
        }
        return nil
    }

    /// A bucket with nothing left: wait until it resets (Discord's rate-limit headers).
    static func pause(_ headers: HTTPHeaders) -> Duration? {
        guard headers.first(name: "x-ratelimit-remaining") == "0",
            let reset = headers.first(name: "x-ratelimit-reset-after").flatMap(Double.init), reset > 0
        else { return nil }
        return Duration.seconds(checked: min(reset, 3600))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as SendError: error.message
        case let error as IOError: "could not connect: \(String(cString: strerror(error.errnoCode)))"
        case ChannelError.connectTimeout: "could not connect: timed out"
        case let error as NIOSSLError: "TLS: \(error)"
        case let error as NIOSSLExtraError: "TLS: \(error)"
        case let error as BoringSSLError: "TLS: \(error)"
        case let error as HTTPParserError: "malformed HTTP response: \(error)"
        default: "\(error)"
        }
    }
}

struct SendError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// How the reactor makes an attempt: the sender, or in the reactor's unit tests a stand-in that
/// answers on a test's event loop.
public protocol AttemptSending: Sendable {
    /// Where the attempts' futures complete, and where the reactor keeps its state.
    var eventLoop: any EventLoop { get }
    /// Never fails: an error is the attempt's result.
    func submit(url: String, body: [UInt8], id: String, signingSecret: String) -> EventLoopFuture<AttemptResult>
    func shutdown() async
}

extension WebhookSender: AttemptSending, WebhookSending {
    public func submit(url: String, body: [UInt8], id: String, signingSecret: String) -> EventLoopFuture<AttemptResult> {
        submit(url: url, body: body, id: id, signingSecret: signingSecret, now: Date())
    }

    public func send(url: String, body: [UInt8], id: String, signingSecret: String) async -> AttemptResult {
        await send(url: url, body: body, id: id, signingSecret: signingSecret, now: Date())
    }
}
