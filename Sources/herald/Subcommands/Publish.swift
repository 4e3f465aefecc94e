import ArgumentParser
import Foundation
import HeraldCore
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

    /// Data up to this size is sent without asking the daemon for its limit first.
    static let smallData = 64 * 1024

    func run() async throws {
        let bytes = data == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : Array(data.utf8)
        if bytes.contains(0) {
            Output.error("INVALID_ARGUMENT: data must not contain a NUL byte")
            throw ExitStatus.refused
        }
        let json = String(decoding: bytes, as: UTF8.self)
        let request = V1.PublishEventRequest(
            eventId: id, projectId: project, projectName: projectName, eventType: event,
            timestamp: timestamp, dataJson: json)
        let response = try await options.withClient { client in
            // Said here, before sending: a frame over the daemon's limit would only close the connection.
            if bytes.count > Self.smallData {
                let limit = Int(try await client.status().maxEventBytes)
                do throws(DomainError) {
                    if limit > 0 { try PublishedEvent.checkDataSize(bytes.count, limit: limit) }
                } catch {
                    throw RPCError(.invalidArgument, error.message)
                }
            }
            return try await client.publish(request)
        }
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
