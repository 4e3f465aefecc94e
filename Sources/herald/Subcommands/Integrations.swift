import ArgumentParser
import HeraldClient
import HeraldWire

struct Integrations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect, inspect and change a project's webhook integrations.",
        subcommands: [Connect.self, List.self, Show.self, Edit.self, Reset.self, Reconnect.self, Test.self, RotateSecret.self])
}

/// Printing one integration, as text or JSON.
enum IntegrationPrinter {
    static func print(_ response: V1.IntegrationResponse, json: Bool) {
        if json {
            Output.json(response)
            return
        }
        let i = response.integration
        var lines = [
            ("id", i.id), ("project", i.projectId), ("platform", i.platform), ("name", i.name),
            ("url", i.maskedUrl), ("events", i.events.joined(separator: ", ")), ("status", i.status),
            ("created", Output.time(i.createdAtUnixMs)), ("updated", Output.time(i.updatedAtUnixMs)),
            ("version", String(i.version)),
            ("last attempt", i.lastAttemptAtUnixMs == 0 ? "never" : Output.time(i.lastAttemptAtUnixMs)),
            ("last status", i.lastHttpStatus == 0 ? "-" : "HTTP \(i.lastHttpStatus)"),
            ("last error", i.lastError.isEmpty ? "-" : i.lastError),
            ("failures", i.consecutiveFailures == 0 ? "0" : "\(i.consecutiveFailures) in a row"),
        ]
        if !response.webhookUrl.isEmpty {
            lines.append(("webhook url", "\(response.webhookUrl)  (shown once; keep it secret)"))
        }
        if !response.signingSecret.isEmpty {
            lines.append(("signing secret", "\(response.signingSecret)  (shown once; keep it secret)"))
        }
        let width = lines.map(\.0.count).max() ?? 0
        for (label, value) in lines {
            Swift.print("\(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)")
        }
    }
}

/// Splits "a,b, c" into event type names.
func eventList(_ text: String) -> [String] {
    text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
