import ArgumentParser
import HeraldCore

@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Manage Herald, the webhook notification sidecar, through its daemon's socket.",
        discussion: "Every command takes --socket (or HERALD_SOCKET) and --json. Errors print the daemon's status and message and exit non-zero.",
        version: HeraldVersion.current,
        subcommands: [Integrations.self, Publish.self, Deliveries.self, Events.self, Status.self, Replay.self])
}
