/// A Google Chat card (`cardsV2`) with a `text` fallback. Card text is an HTML subset, so untrusted
/// values are HTML-escaped; the plain `text` has no escape, so its mention syntax is defused.
enum GoogleChatFormat {
    static func payload(_ n: Notice) -> JSON {
        var widgets: [JSON] = [decorated("ID", n.data.id)]
        if let actor = n.actor { widgets.append(decorated("By", actor)) }
        for count in n.counts { widgets.append(decorated(count.label, String(count.value))) }
        if let link = n.link {
            widgets.append(
                .object([
                    (
                        "buttonList",
                        .object([
                            (
                                "buttons",
                                [
                                    .object([
                                        ("text", "Open"),
                                        ("onClick", .object([("openLink", .object([("url", .string(link))]))])),
                                    ])
                                ]
                            )
                        ])
                    )
                ]))
        }
        let card: JSON = .object([
            (
                "header",
                .object([
                    ("title", .string(n.headline)),
                    ("subtitle", .string(Text.html(Text.truncate("Project \(n.event.projectName)", 300)))),
                ])
            ),
            (
                "sections",
                [
                    .object([
                        ("header", .string(Text.html(Text.truncate(n.data.title, 1000)))),
                        ("widgets", .array(widgets)),
                    ])
                ]
            ),
        ])
        return .object([
            ("text", .string(Text.truncate(Text.googleChatPlain(n.summary), 4000))),
            ("cardsV2", [.object([("cardId", .string("herald-event")), ("card", card)])]),
        ])
    }

    private static func decorated(_ label: String, _ value: String) -> JSON {
        .object([
            (
                "decoratedText",
                .object([
                    ("topLabel", .string(label)),
                    ("text", .string(Text.html(Text.truncate(value, 1000)))),
                ])
            )
        ])
    }
}
