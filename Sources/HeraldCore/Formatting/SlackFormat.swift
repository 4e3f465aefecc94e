/// Slack Block Kit with a `text` fallback. Untrusted values go in `plain_text`, where mrkdwn has no
/// say, and have `& < >` escaped, so nothing in them can mention, link or format.
enum SlackFormat {
    static func payload(_ n: Notice) -> JSON {
        var blocks: [JSON] = [
            .object([("type", "header"), ("text", plain(n.headline, 150))]),
            .object([("type", "section"), ("text", plain("\(n.data.title) (\(n.data.id))", 3000))]),
        ]
        let counts = n.counts
        if !counts.isEmpty {
            blocks.append(
                .object([
                    ("type", "section"),
                    ("fields", .array(counts.map { plain("\($0.label): \($0.value)", 2000) })),
                ]))
        }
        var context = "Project \(n.event.projectName)"
        if let actor = n.actor { context += " · by \(actor)" }
        blocks.append(.object([("type", "context"), ("elements", [plain(context, 2000)])]))
        if let link = n.link {
            blocks.append(
                .object([
                    ("type", "actions"),
                    ("elements", [.object([("type", "button"), ("text", plain("Open", 75)), ("url", .string(link))])]),
                ]))
        }
        return .object([("text", .string(Text.truncate(Text.slack(n.summary), 3000))), ("blocks", .array(blocks))])
    }

    private static func plain(_ text: String, _ limit: Int) -> JSON {
        .object([("type", "plain_text"), ("text", .string(Text.slack(Text.truncate(text, limit)))), ("emoji", false)])
    }
}
