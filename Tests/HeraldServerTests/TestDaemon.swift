import Foundation
import HeraldClient
import HeraldCore
import HeraldServer
import Logging

/// Runs a real daemon in-process on a socket in a fresh directory, for the length of `body`.
func withDaemon<T>(
    configure: (inout DaemonConfiguration) -> Void = { _ in },
    _ body: (_ socketPath: String, _ directory: String) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(UUID().uuidString.prefix(8))").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = DaemonConfiguration(socketPath: "\(directory)/run/herald.sock", databasePath: "\(directory)/herald.db")
    configuration.synchronous = .normal
    configuration.allowList = try HostAllowList(["hooks.slack.com", "receiver.test"])
    configure(&configuration)
    let (listening, signal) = AsyncStream.makeStream(of: Void.self)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let daemon = try HeraldDaemon(configuration: configuration, logger: logger, onListening: { signal.yield() })
    // Stopped as SIGTERM stops heraldd: a graceful shutdown of the group, in reverse order.
    let group = daemon.serviceGroup(signals: [], logger: logger)
    let task = Task {
        defer { signal.finish() }
        try await group.run()
    }
    var iterator = listening.makeAsyncIterator()
    guard await iterator.next() != nil else {
        try await task.value
        throw DaemonDidNotStart()
    }
    do {
        let result = try await body(configuration.socketPath, directory)
        await group.triggerGracefulShutdown()
        try await task.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        try? await task.value
        throw error
    }
}

struct DaemonDidNotStart: Error {}

let slackURL = "https://hooks.slack.com/services/T000/B000/XXXX"

extension HeraldClient {
    func connectSlack(project: String = "PRJ-1", name: String = "#alerts", url: String = slackURL) async throws -> String {
        try await connectIntegration(
            .init(
                projectId: project, platform: "slack", name: name, url: url,
                events: ["test_case.created"])
        ).integration.id
    }
}
