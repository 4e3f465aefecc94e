import ArgumentParser
import HeraldWire

extension Integrations {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one integration.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The integration's id.")
        var id: String

        func run() async throws {
            let response = try await options.withClient { try await $0.getIntegration(id) }
            IntegrationPrinter.print(response, json: options.json)
        }
    }
}
