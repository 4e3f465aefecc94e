import ArgumentParser
import HeraldCore
import HeraldWire

struct Events: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the event log.", subcommands: [Tail.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the log, decoded, one event per line. URLs are masked.",
            discussion: "With --json, prints one JSON document per line.")

        @OptionGroup var options: ClientOptions

        @Option(help: "The first position to print (positions start at 1).")
        var from: UInt64 = 1

        @Option(help: "Print at most this many events.")
        var limit: UInt32?

        @Flag(help: "Keep printing new events as they are appended, until interrupted.")
        var follow = false

        func run() async throws {
            let request = V1.ReadEventsRequest(fromPosition: from, limit: limit ?? 0, follow: follow)
            try await options.withClient { client in
                for try await event in client.readEvents(request) {
                    let line = LoggedEvent(event)
                    if options.json {
                        Output.json(line, pretty: false)
                    } else {
                        print(
                            "\(event.position)\t\(Output.time(event.recordedAtUnixMs))\t\(event.stream)@\(event.version)\t\(event.type)\t\(line.data.summary)")
                    }
                }
            }
        }
    }
}

/// A log event as `events tail --json` prints it.
struct LoggedEvent: Encodable {
    struct Data: Encodable {
        var integrationId: String?
        var projectId: String?
        var platform: String?
        var name: String?
        var maskedUrl: String?
        var events: [String]?
        var eventId: String?
        var eventType: String?
        var deliveries: [String]?
        var outcome: String?
        var httpStatus: UInt32?
        var error: String?
        var reason: String?
        /// A string, as the proto JSON mapping writes 64-bit integers.
        var dueAtUnixMs: String?
        var undecodable: Bool?

        var summary: String {
            var parts: [String] = []
            if let projectId { parts.append("project=\(projectId)") }
            if let platform { parts.append("platform=\(platform)") }
            if let name { parts.append("name=\"\(name)\"") }
            if let maskedUrl { parts.append("url=\(maskedUrl)") }
            if let events { parts.append("events=\(events.joined(separator: ","))") }
            if let eventId { parts.append("event=\(eventId)") }
            if let eventType { parts.append("type=\(eventType)") }
            if let deliveries { parts.append("deliveries=\(deliveries.count)") }
            if let outcome { parts.append("outcome=\(outcome)") }
            if let httpStatus, httpStatus > 0 { parts.append("http=\(httpStatus)") }
            if let error, !error.isEmpty { parts.append("error=\"\(error)\"") }
            if let reason { parts.append("reason=\"\(reason)\"") }
            if let due = dueAtUnixMs.flatMap({ Int64($0) }), due > 0 { parts.append("due=\(Output.time(due))") }
            if undecodable == true { parts.append("(payload not understood by this version)") }
            return parts.joined(separator: " ")
        }
    }

    @JSONInt64 var position: UInt64 = 0
    let stream: String
    @JSONInt64 var version: UInt64 = 0
    let type: String
    @JSONInt64 var recordedAtUnixMs: Int64 = 0
    let data: Data

    init(_ event: V1.LogEvent) {
        position = event.position
        stream = event.stream
        version = event.version
        type = event.type
        recordedAtUnixMs = event.recordedAtUnixMs
        var data = Data()
        if let publication = try? StoredEvent.decodePublication(type: event.type, payload: event.payload) {
            data = Data(
                projectId: publication.event.projectID, eventId: publication.event.eventID,
                eventType: publication.event.type.rawValue, deliveries: publication.deliveryIDs.map(\.rawValue))
            self.data = data
            return
        }
        if let delivery = try? StoredEvent.decodeDelivery(type: event.type, payload: event.payload) {
            switch delivery {
            case .attempted(let a):
                data = Data(
                    outcome: a.outcome.rawValue, httpStatus: a.httpStatus, error: a.error,
                    dueAtUnixMs: a.outcome == .failed ? String(a.nextAttemptAt) : nil)
            case .cancelled(let reason):
                data = Data(reason: reason)
            case .retryRequested(let dueAt):
                data = Data(dueAtUnixMs: String(dueAt))
            }
            self.data = data
            return
        }
        switch try? StoredEvent.decodeIntegration(type: event.type, payload: event.payload) {
        case .connected(let e):
            data = Data(
                integrationId: e.id.rawValue, projectId: e.projectID, platform: e.platform.rawValue,
                name: e.name, maskedUrl: WebhookURL.mask(e.url), events: e.events.map(\.rawValue))
        case .edited(let e):
            data = Data(name: e.name, maskedUrl: e.url.map(WebhookURL.mask), events: e.events?.map(\.rawValue))
        case .reconnected(let url):
            data = Data(maskedUrl: url.map(WebhookURL.mask))
        case .reset, .secretRotated:
            break  // a secret is never printed
        case nil:
            data.undecodable = true
        }
        self.data = data
    }
}
