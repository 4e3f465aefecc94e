import ArgumentParser
import HeraldWire

struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and resend deliveries.",
        subcommands: [List.self, Show.self, Retry.self, Watch.self])
}

enum DeliveryPrinter {
    static func row(_ d: V1.Delivery) -> [String] {
        [
            d.id, d.integrationId, d.eventType, d.status, String(d.attemptCount),
            d.lastHttpStatus == 0 ? "-" : String(d.lastHttpStatus),
            d.status == "failed" || d.status == "pending" ? Output.time(d.nextAttemptAtUnixMs) : "-",
            Output.time(d.createdAtUnixMs),
        ]
    }

    static let header = ["ID", "INTEGRATION", "EVENT", "STATUS", "ATTEMPTS", "HTTP", "NEXT", "CREATED"]

    static func print(_ d: V1.Delivery) {
        let lines = [
            ("id", d.id), ("event", "\(d.eventId) (\(d.eventType))"), ("integration", d.integrationId),
            ("project", d.projectId), ("status", d.status), ("attempts", String(d.attemptCount)),
            ("next attempt", d.status == "failed" || d.status == "pending" ? Output.time(d.nextAttemptAtUnixMs) : "-"),
            ("created", Output.time(d.createdAtUnixMs)), ("updated", Output.time(d.updatedAtUnixMs)),
        ]
        for (label, value) in lines { Swift.print("\(label.padding(toLength: 12, withPad: " ", startingAt: 0))  \(value)") }
        guard !d.attempts.isEmpty else { return }
        Swift.print("")
        Swift.print(
            Output.table(
                ["#", "STARTED", "HTTP", "MS", "OUTCOME", "ERROR", "RESPONSE"],
                d.attempts.map { a in
                    [
                        String(a.number), Output.time(a.startedAtUnixMs), a.httpStatus == 0 ? "-" : String(a.httpStatus),
                        String(a.durationMs), a.outcome,
                        a.location.isEmpty ? a.error : "\(a.error) → \(a.location)",
                        String(a.responseSnippet.prefix(60)).replacingOccurrences(of: "\n", with: " "),
                    ]
                }))
    }
}

extension Deliveries {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deliveries, newest first.")

        @OptionGroup var options: ClientOptions

        @Option(help: "Only this integration's.")
        var integration: String = ""

        @Option(help: "pending, delivered, failed, exhausted or cancelled.")
        var status: String = ""

        @Option(help: "Only this event type.")
        var event: String = ""

        @Option(help: "At most this many.")
        var limit: UInt32 = 100

        func run() async throws {
            let request = V1.ListDeliveriesRequest(integrationId: integration, status: status, eventType: event, limit: limit)
            let response = try await options.withClient { try await $0.listDeliveries(request) }
            if options.json { return Output.json(response) }
            guard !response.deliveries.isEmpty else { return print("No deliveries.") }
            print(Output.table(DeliveryPrinter.header, response.deliveries.map(DeliveryPrinter.row)))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a delivery and every attempt.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The delivery's id.")
        var id: String

        func run() async throws {
            let response = try await options.withClient { try await $0.getDelivery(id) }
            if options.json { return Output.json(response) }
            DeliveryPrinter.print(response.delivery)
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send an exhausted or cancelled delivery again, as a new series of attempts.")

        @OptionGroup var options: ClientOptions

        @Argument(help: "The delivery's id.")
        var id: String

        func run() async throws {
            let response = try await options.withClient { try await $0.retryDelivery(id) }
            if options.json { return Output.json(response) }
            DeliveryPrinter.print(response.delivery)
        }
    }

    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print delivery state changes as they happen, until interrupted.")

        @OptionGroup var options: ClientOptions

        @Option(help: "Only this integration's.")
        var integration: String = ""

        func run() async throws {
            try await options.withClient { client in
                for try await delivery in client.watchDeliveries(integrationId: integration) {
                    if options.json {
                        Output.json(delivery, pretty: false)
                    } else {
                        print(DeliveryPrinter.row(delivery).joined(separator: "\t"))
                    }
                }
            }
        }
    }
}
