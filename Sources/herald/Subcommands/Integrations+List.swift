import ArgumentParser
import HeraldWire

extension Integrations {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List integrations, with URLs masked.")

        @OptionGroup var options: ClientOptions

        @Option(help: "Only this project's integrations.")
        var project: String?

        func run() async throws {
            let response = try await options.withClient { try await $0.listIntegrations(projectId: project ?? "") }
            if options.json {
                Output.json(response)
                return
            }
            guard !response.integrations.isEmpty else {
                print(project.map { "No integrations in project \($0)." } ?? "No integrations.")
                return
            }
            let rows = response.integrations.map { i in
                [i.id, i.projectId, i.platform, i.name, i.status, i.events.joined(separator: ","), i.maskedUrl]
            }
            print(Output.table(["ID", "PROJECT", "PLATFORM", "NAME", "STATUS", "EVENTS", "URL"], rows))
        }
    }
}
