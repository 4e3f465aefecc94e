import ArgumentParser
import HeraldWire

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Show the log head, each projection's checkpoint and lag, the delivery reactor's queue, the socket, the database, how secrets are stored and the version."
    )

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let status = try await options.withClient { try await $0.status() }
        if options.json {
            Output.json(status)
            return
        }
        print("heraldd \(status.version), up since \(Output.time(status.startedAtUnixMs))")
        print("socket    \(status.socketPath)")
        print("database  \(status.databasePath)")
        print("log head  \(status.headPosition)")
        print(
            status.secretsKeyId.isEmpty
                ? "secrets   stored unencrypted in the log (heraldd --secrets-key-file seals them)"
                : "secrets   sealed with AES-256-GCM, key \(status.secretsKeyId)")
        print(
            "reactor   at \(status.reactorPosition) (lag \(status.headPosition - min(status.headPosition, status.reactorPosition))), "
                + "\(status.deliveriesQueued) deliveries queued, \(status.deliveriesInFlight) in flight")
        print("")
        print(
            Output.table(
                ["PROJECTION", "CHECKPOINT", "LAG"],
                status.projections.map {
                    [$0.name, String($0.checkpoint), String($0.lag)]
                }))
    }
}
