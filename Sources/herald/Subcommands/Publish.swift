import ArgumentParser
import Foundation
import HeraldWire

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish an application event; each subscribed integration of the project gets a delivery.",
        discussion: "Publishing the same --id again returns the first result and sends nothing new.")

    @OptionGroup var options: ClientOptions

    @Option(help: "The project the event belongs to.")
    var project: String

    @Option(help: "The project's name, as notifications show it (default: the id).")
    var projectName: String = ""

    @Option(help: "The event type, such as test_case.created.")
    var event: String

    @Option(help: "A JSON object with at least \"id\" and \"title\"; '-' reads it from standard input.")
    var data: String

    @Option(help: "The event's id, for idempotency (default: a new one).")
    var id: String = ""

    @Option(help: "When it happened, RFC 3339 in UTC (default: now).")
    var timestamp: String = ""

    func run() async throws {
        let json = data == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : data
        let request = V1.PublishEventRequest(eventId: id, projectId: project, projectName: projectName, eventType: event,
                                             timestamp: timestamp, dataJson: json)
        let response = try await options.withClient { try await $0.publish(request) }
        if options.json {
            Output.json(response)
            return
        }
        let verb = response.duplicate ? "Already published" : "Published"
        print("\(verb) \(response.eventId): \(response.deliveries.count) \(response.deliveries.count == 1 ? "delivery" : "deliveries")")
        for delivery in response.deliveries {
            print("  \(delivery.id)  → \(delivery.integrationId)  \(delivery.status)")
        }
    }
}
