import Foundation
import HeraldClient
import TestSupport
import Testing

/// Secrets at rest with the real binaries: a key made by `heraldd generate-key`, a daemon that
/// seals with it and still delivers signed requests, and one that refuses to start without it.
@Suite(.serialized) struct SecretsTests {
    @Test func generateKeyWritesAPrivateKeyAndNeverOverwritesOne() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/secrets.key"
        let made = try heraldd(["generate-key", path])
        #expect(made.status == 0, "\(made.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((attributes[.size] as? Int) == 32)
        let key = try Data(contentsOf: URL(fileURLWithPath: path))

        let again = try heraldd(["generate-key", path])
        #expect(again.status != 0)
        #expect(again.stderr.contains("never overwritten"), "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == key)

        // A key others can read is refused, before anything opens.
        let shared = "\(directory)/shared.key"
        try key.write(to: URL(fileURLWithPath: shared))
        chmod(shared, 0o644)
        let refused = try heraldd(["--secrets-key-file", shared, "--socket", "\(directory)/s.sock", "--db", "\(directory)/h.db"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("chmod 600"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/h.db"))
    }

    @Test func aSealedLogDeliversSignedRequestsAndNeedsItsKeyToStart() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = "\(directory)/secrets.key"
        #expect(try heraldd(["generate-key", key]).status == 0)
        let certificates = try TestCertificates.make(in: directory)
        let receiver = try await HTTPSReceiver(certificates: certificates)
        let base = ["--allow-host", "localhost", "--ca-file", certificates.caPath]
        let daemon = DaemonProcess(directory: directory, arguments: base + ["--secrets-key-file", key])
        try await daemon.start()
        let client = try await HeraldClient.connect(socketPath: daemon.socket)
        let token = "private-path-token-\(UUID().uuidString.prefix(8))"
        let connected = try await client.connectIntegration(
            .init(projectId: "PRJ", platform: "custom", name: "hook", url: receiver.url("/\(token)/in"), events: ["test_case.created"]))
        #expect(connected.webhookUrl == receiver.url("/\(token)/in"), "the reply shows the URL it set, in clear")
        #expect(connected.integration.maskedUrl == "https://localhost:\(receiver.port)/\(token)/…")
        _ = try await DeliveryTests.publish(client, 1)
        let request = try #require(await receiver.waitForRequests(1).first)
        #expect(request.uri == "/\(token)/in")
        let (verified, printed) = try DeliveryTests.verifySignature(of: request, secret: connected.signingSecret, in: directory)
        #expect(verified == 0, "standardwebhooks said: \(printed)")

        let status = try herald(["status", "--socket", daemon.socket])
        let keyID = try #require(try await client.status().secretsKeyId.nilIfEmpty)
        #expect(status.stdout.contains("sealed with AES-256-GCM, key \(keyID)"), "\(status.stdout)")
        await client.close()
        #expect(daemon.stop() == 0)

        let stored = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("herald.db") }
            .reduce(into: Data()) { $0 += try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\($1)")) }
        #expect(stored.range(of: Data("\(token)/in".utf8)) == nil, "the URL's path is not in the file")
        #expect(stored.range(of: Data(connected.signingSecret.utf8)) == nil, "nor is the signing secret")

        // Without its key the daemon won't start on this log, and says which key it needs.
        let keyless = try heraldd(["--socket", daemon.socket, "--db", daemon.database] + base)
        #expect(keyless.status != 0)
        #expect(keyless.stderr.contains("sealed with key \(keyID)") && keyless.stderr.contains("--secrets-key-file"), "\(keyless.stderr)")
        await receiver.shutdown()
    }

    @Test func statusSaysWhenSecretsAreStoredUnencrypted() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory)
        try await daemon.start()
        let status = try herald(["status", "--socket", daemon.socket])
        #expect(status.stdout.contains("stored unencrypted"), "\(status.stdout)")
        #expect(daemon.log.contains("stored unencrypted"))
        daemon.stop()
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
