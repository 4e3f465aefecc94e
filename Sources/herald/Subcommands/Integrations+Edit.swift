import ArgumentParser
import HeraldWire

extension Integrations {
    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an integration's name, URL or events. Takes effect at once.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The integration's id.")
        var id: String

        @Option(help: "A new name.")
        var name: String?

        @Option(help: "A new webhook URL (HTTPS).")
        var url: String?

        @Option(help: "A new comma-separated list of event types; replaces the old one.")
        var events: String?

        func validate() throws {
            guard name != nil || url != nil || events != nil else {
                throw ValidationError("nothing to edit: give --name, --url or --events")
            }
        }

        func run() async throws {
            let request = V1.EditIntegrationRequest(integrationId: id, name: name, url: url, events: events.map(eventList))
            let response = try await options.withClient { try await $0.editIntegration(request) }
            IntegrationPrinter.print(response, json: options.json)
        }
    }
}
