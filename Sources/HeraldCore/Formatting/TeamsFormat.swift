/// A Microsoft Teams Adaptive Card in the `message`/`attachments` envelope that Workflows webhooks
/// take. Untrusted text goes in `TextRun`s, which Teams does not read as markdown.
enum TeamsFormat {
    static func payload(_ n: Notice) -> JSON {
        var body: [JSON] = [
            .object([
                ("type", "Container"),
                ("style", .string(style(n))),
                (
                    "items",
                    [
                        .object([
                            ("type", "TextBlock"), ("text", .string(n.headline)), ("weight", "Bolder"), ("size", "Large"), ("wrap", true),
                        ])
                    ]
                ),
            ]),
            runs([("", Text.truncate(n.data.title, 2000), true)]),
            runs([("ID: ", Text.truncate(n.data.id, 500), false)]),
            runs([("Project: ", Text.truncate(n.event.projectName, 500), false)]),
        ]
        if let actor = n.actor { body.append(runs([("By: ", Text.truncate(actor, 500), false)])) }
        let counts = n.counts
        if !counts.isEmpty {
            body.append(runs([("", counts.map { "\($0.label): \($0.value)" }.joined(separator: " · "), false)]))
        }
        var card: [(String, JSON)] = [
            ("$schema", "http://adaptivecards.io/schemas/adaptive-card.json"),
            ("type", "AdaptiveCard"),
            ("version", "1.4"),
            ("msteams", .object([("width", "Full")])),
            ("body", .array(body)),
        ]
        if let link = n.link {
            card.append(("actions", [.object([("type", "Action.OpenUrl"), ("title", "Open"), ("url", .string(link))])]))
        }
        return .object([
            ("type", "message"),
            (
                "attachments",
                [
                    .object([
                        ("contentType", "application/vnd.microsoft.card.adaptive"),
                        ("contentUrl", .null),
                        ("content", .object(card)),
                    ])
                ]
            ),
        ])
    }

    private static func style(_ n: Notice) -> String {
        switch n.event.type.verb {
        case .created: "accent"
        case .deleted: "emphasis"
        case .completed: (n.data.stats?.failed ?? 0) > 0 ? "attention" : "good"
        }
    }

    /// A RichTextBlock: a bold label, then the untrusted value as a plain run.
    private static func runs(_ parts: [(label: String, value: String, bold: Bool)]) -> JSON {
        var inlines: [JSON] = []
        for part in parts {
            if !part.label.isEmpty {
                inlines.append(.object([("type", "TextRun"), ("text", .string(part.label)), ("weight", "Bolder")]))
            }
            var run: [(String, JSON)] = [("type", "TextRun"), ("text", .string(part.value))]
            if part.bold { run.append(("weight", "Bolder")) }
            inlines.append(.object(run))
        }
        return .object([("type", "RichTextBlock"), ("inlines", .array(inlines))])
    }
}
