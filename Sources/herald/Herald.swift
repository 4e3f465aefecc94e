import ArgumentParser
import HeraldCore

@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Manage Herald, the webhook notification sidecar, through its daemon's socket.",
        discussion: """
            Every command takes --socket (or HERALD_SOCKET) and --json. Errors print the daemon's status and message. \
            Exit status: 0 success; 1 the daemon refused the call; 64 a usage error; 69 no daemon could be reached.
            """,
        version: HeraldVersion.current,
        subcommands: [Integrations.self, Publish.self, Deliveries.self, Events.self, Status.self, Replay.self])
}
