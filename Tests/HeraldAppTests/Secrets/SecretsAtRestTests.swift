import Foundation
import HeraldApp
import HeraldCore
import HeraldSQLite
import HeraldStore
import TestSupport
import Testing

/// Secrets at rest, through the integration service on a real SQLite file: what reaches the file is
/// sealed, and what a caller is shown is not.
@Suite struct SecretsAtRestTests {
    static let key = [UInt8](repeating: 3, count: 32)
    /// An IP literal (public), so no DNS is needed.
    static let url = "https://93.184.216.34/hooks/a-webhook-token-nobody-may-read"

    struct NoHosts: HostChecking {
        func check(host: String, _ completion: @escaping @Sendable ((any Error)?) -> Void) { completion(nil) }
    }

    struct NoSender: WebhookSending {
        func send(url: String, body: [UInt8], id: String, signingSecret: String) async -> AttemptResult {
            AttemptResult(httpStatus: nil, error: "not sent in this test", duration: .zero)
        }
    }

    func connect(_ service: IntegrationService, url: String = url) async throws -> IntegrationService.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            service.connect(.init(projectID: "P", platform: "custom", name: "n", url: url, events: ["test_case.created"]), deadline: nil) {
                continuation.resume(with: $0)
            }
        }
    }

    func withService<T>(
        _ secrets: SecretKeyRing, in directory: String, _ body: (IntegrationService, SQLiteEventLog) async throws -> T
    ) async throws -> T {
        try await withStore(at: "\(directory)/herald.db") { store, _ in
            try await body(IntegrationService(store: store, decider: IntegrationDecider(), hosts: NoHosts(), sender: NoSender(), secrets: secrets), store)
        }
    }

    /// Every byte Herald wrote for the log: the database file and any WAL beside it.
    func storedBytes(_ directory: String) throws -> Data {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("herald.db") }
            .reduce(into: Data()) { $0 += try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($1)")) }
    }

    @Test func withAKeyNeitherTheURLNorTheSecretReachesTheFile() async throws {
        try await withTemporaryDirectory { directory in
            let ring = try SecretKeyRing(key: Self.key)
            let secret = try await withService(ring, in: directory) { service, _ in
                let outcome = try await connect(service)
                #expect(outcome.webhookURL == Self.url, "the reply to the connect shows the URL in clear, once")
                let secret = try #require(outcome.signingSecret)
                #expect(secret.hasPrefix("whsec_"))
                let listed = try #require(service.list(projectID: "P").first)
                #expect(listed.maskedURL == "https://93.184.216.34/hooks/…")
                #expect(try service.open(listed) == (Self.url, secret))
                // The same webhook again is the same integration: sealed URLs still compare.
                let again = try await connect(service)
                #expect(again.integration.id == outcome.integration.id)
                #expect(service.list(projectID: "P").count == 1)
                return secret
            }
            let bytes = try storedBytes(directory)
            #expect(bytes.range(of: Data("a-webhook-token-nobody-may-read".utf8)) == nil)
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
            #expect(bytes.range(of: Data("sealed:v1:\(ring.keyID!):".utf8)) != nil)
        }
    }

    @Test func withoutAKeyTheyAreStoredInClear() async throws {
        try await withTemporaryDirectory { directory in
            try await withService(.none, in: directory) { service, _ in _ = try await connect(service) }
            #expect(try storedBytes(directory).range(of: Data("a-webhook-token-nobody-may-read".utf8)) != nil)
        }
    }

    @Test func aLogWrittenWithoutAKeyIsSealedOnceAKeyIsGivenAndRotatesToANewKey() async throws {
        try await withTemporaryDirectory { directory in
            let secret = try await withService(.none, in: directory) { service, _ in try #require(try await connect(service).signingSecret) }

            let first = try SecretKeyRing(key: Self.key)
            try await withService(first, in: directory) { service, _ in
                try first.checkOpens(service.list(projectID: nil))
                #expect(try await service.resealAll() == 1)
                #expect(try await service.resealAll() == 0, "what the current key sealed stays as it is")
                let integration = try #require(service.list(projectID: "P").first)
                #expect(integration.url.hasPrefix("sealed:v1:\(first.keyID!):"))
                #expect(try service.open(integration) == (Self.url, secret))
            }

            let newKey = [UInt8](repeating: 4, count: 32)
            let withoutThePrevious = try SecretKeyRing(key: newKey)
            try await withService(withoutThePrevious, in: directory) { service, _ in
                let error = try #require(throws: DomainError.self) { try withoutThePrevious.checkOpens(service.list(projectID: nil)) }
                #expect(error.message.contains(first.keyID!), "the refusal names the key it needs")
            }
            let rotated = try SecretKeyRing(key: newKey, previous: [Self.key])
            try await withService(rotated, in: directory) { service, _ in
                try rotated.checkOpens(service.list(projectID: nil))
                #expect(try await service.resealAll() == 1)
            }
            try await withService(withoutThePrevious, in: directory) { service, store in
                try withoutThePrevious.checkOpens(service.list(projectID: nil))
                let integration = try #require(service.list(projectID: "P").first)
                #expect(try service.open(integration) == (Self.url, secret))
                // A replay rebuilds the views without opening anything: the masked form is in the sealed text.
                _ = try await store.rebuildViews(every: 1000) { _, _ in }
                let rebuilt = try #require(service.list(projectID: "P").first)
                #expect(rebuilt.maskedURL == "https://93.184.216.34/hooks/…")
                #expect(try service.open(rebuilt) == (Self.url, secret))
            }
        }
    }
}
