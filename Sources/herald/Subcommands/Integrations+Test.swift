import ArgumentParser
import HeraldWire

extension Integrations {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a sample notification to an integration now, and report how it went.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The integration's id.")
        var id: String

        func run() async throws {
            let response = try await options.withClient { try await $0.testIntegration(id) }
            if options.json {
                Output.json(response)
            } else {
                let a = response.attempt
                let status = a.httpStatus == 0 ? "no response" : "HTTP \(a.httpStatus)"
                print("\(response.delivered ? "Delivered" : "Failed"): \(status) in \(a.durationMs) ms\(a.error.isEmpty ? "" : " — \(a.error)")")
                if !a.responseSnippet.isEmpty { print("response: \(a.responseSnippet.prefix(200))") }
            }
            if !response.delivered { throw ExitStatus.refused }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give a custom integration a new signing secret, shown once.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The integration's id.")
        var id: String

        func run() async throws {
            let response = try await options.withClient { try await $0.rotateSecret(id) }
            IntegrationPrinter.print(response, json: options.json)
        }
    }
}
