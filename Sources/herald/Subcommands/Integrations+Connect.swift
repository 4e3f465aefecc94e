import ArgumentParser
import HeraldWire

extension Integrations {
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect a webhook to a project.",
            discussion: "The full URL is printed once, in this reply; every other listing masks it.")

        @OptionGroup var options: ClientOptions

        @Option(help: "The project the integration belongs to.")
        var project: String

        @Option(help: "slack, discord, teams, google_chat or custom.")
        var platform: String

        @Option(help: "A name for people, 1–100 characters, such as \"#engineering-alerts\".")
        var name: String

        @Option(help: "The webhook URL (HTTPS).")
        var url: String

        @Option(help: "Comma-separated event types, such as test_case.created,test_cycle.completed.")
        var events: String

        func run() async throws {
            let request = V1.ConnectIntegrationRequest(
                projectId: project, platform: platform, name: name, url: url, events: eventList(events))
            let response = try await options.withClient { try await $0.connectIntegration(request) }
            IntegrationPrinter.print(response, json: options.json)
        }
    }
}
