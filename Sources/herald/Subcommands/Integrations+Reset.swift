import ArgumentParser
import HeraldWire

extension Integrations {
    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disconnect an integration. Its history is kept; reconnect brings it back.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The integration's id.")
        var id: String

        func run() async throws {
            let response = try await options.withClient { try await $0.resetIntegration(id) }
            IntegrationPrinter.print(response, json: options.json)
        }
    }
}
