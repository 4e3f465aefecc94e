/// Text helpers the formatters share: cutting to a platform's limit, and escaping untrusted text.
enum Text {
    /// At most `limit` characters; a cut is marked with an ellipsis. Whitespace at either end goes.
    static func truncate(_ text: String, _ limit: Int) -> String {
        let trimmed = String(text.trimmingSpaces)
        guard trimmed.count > limit else { return trimmed }
        guard limit > 1 else { return String(trimmed.prefix(limit)) }
        return String(trimmed.prefix(limit - 1)).trimmingSpaces + "…"
    }

    /// Slack's three entities: with them escaped, `<!channel>`, `<@U123>` and `<https://x|y>` are
    /// shown as typed instead of pinging or linking.
    static func slack(_ text: String) -> String {
        replacing(text) { character in
            switch character {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            default: nil
            }
        }
    }

    /// Discord markdown, escaped with backslashes (as discord.js's escapeMarkdown does), so that
    /// neither formatting nor a masked link survives. Discord shows an escaped character without
    /// its backslash, so the text reads and copies as typed. `@` is left alone: `allowed_mentions`
    /// already stops every ping, and a broken `@` would break every e-mail address shown.
    static func discord(_ text: String) -> String {
        replacing(text) { character in
            switch character {
            case "\\", "*", "_", "~", "`", "|", ">", "#", "-", "[", "]", "(", ")": "\\" + String(character)
            default: nil
            }
        }
    }

    /// HTML, for Google Chat card text.
    static func html(_ text: String) -> String {
        replacing(text) { character in
            switch character {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            default: nil
            }
        }
    }

    /// Google Chat's plain `text` has no escape: angle brackets (which make `<users/all>` a
    /// mention) become look-alikes, and its formatting characters lose their meaning.
    static func googleChatPlain(_ text: String) -> String {
        replacing(text) { character in
            switch character {
            case "<": "‹"
            case ">": "›"
            case "*", "_", "~", "`": "\u{200B}" + String(character)
            default: nil
            }
        }
    }

    /// `text` with each character that `replacement` names replaced; the rest kept.
    private static func replacing(_ text: String, _ replacement: (Character) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if let replaced = replacement(character) { out += replaced } else { out.append(character) }
        }
        return out
    }

    /// Only http and https links are offered to a chat, and only short ones.
    static func link(_ url: String?) -> String? {
        guard let url, url.count <= 2000 else { return nil }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"),
            !url.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" || $0.isNewline })
        else { return nil }
        return url
    }
}
