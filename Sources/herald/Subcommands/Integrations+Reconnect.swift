import ArgumentParser
import HeraldWire

extension Integrations {
    struct Reconnect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Connect a reset integration again.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The integration's id.")
        var id: String

        @Option(help: "A new webhook URL (HTTPS); the old one is kept if omitted.")
        var url: String?

        func run() async throws {
            let request = V1.ReconnectIntegrationRequest(integrationId: id, url: url)
            let response = try await options.withClient { try await $0.reconnectIntegration(request) }
            IntegrationPrinter.print(response, json: options.json)
        }
    }
}
