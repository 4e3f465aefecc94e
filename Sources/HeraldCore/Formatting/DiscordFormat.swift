/// A Discord embed with the event's colour. `allowed_mentions` with an empty `parse` pings no one,
/// and markdown in untrusted text is escaped, so it can neither format nor forge a link.
enum DiscordFormat {
    /// Discord counts these over the whole embed.
    static let embedLimit = 6000

    static func payload(_ n: Notice) -> JSON {
        let title = Text.truncate(Text.discord("\(n.headline): \(n.data.title)"), 256)
        var description = "`\(n.data.id.replacingOccurrences(of: "`", with: "'"))`"
        if let actor = n.actor { description += " · by \(Text.discord(actor))" }
        description = Text.truncate(description, 1024)
        let footer = Text.truncate("Project \(Text.discord(n.event.projectName))", 512)
        var fields: [JSON] = []
        var used = title.count + description.count + footer.count
        for count in n.counts {
            let name = count.label
            let value = String(count.value)
            guard used + name.count + value.count <= embedLimit else { break }
            used += name.count + value.count
            fields.append(.object([("name", .string(name)), ("value", .string(value)), ("inline", true)]))
        }
        var embed: [(String, JSON)] = [("title", .string(title))]
        if let link = n.link { embed.append(("url", .string(link))) }
        embed += [
            ("description", .string(description)),
            ("color", .integer(Int64(n.color))),
        ]
        if !fields.isEmpty { embed.append(("fields", .array(fields))) }
        embed += [("footer", .object([("text", .string(footer))])), ("timestamp", .string(n.event.timestamp))]
        return .object([
            ("username", "Herald"),
            ("allowed_mentions", .object([("parse", [])])),
            ("embeds", [.object(embed)]),
        ])
    }
}
