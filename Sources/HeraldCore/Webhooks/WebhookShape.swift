import Foundation

/// Each platform's webhook URL shape. Matching the parsed URL, anchored at both ends, means a
/// look-alike such as `https://hooks.slack.com.evil.test/…` never passes.
enum WebhookShape {
    /// Compiled once: compiling a Regex costs far more than matching one. Each is matched once
    /// here so its program is lowered before any thread shares it; after that a match only reads.
    nonisolated(unsafe) private static let compiled: [Platform: [Regex<AnyRegexOutput>]] = {
        var result: [Platform: [Regex<AnyRegexOutput>]] = [:]
        for platform in Platform.allCases {
            result[platform] = spec(platform).patterns.map { pattern in
                let regex = try! Regex(pattern).ignoresCase()
                _ = try? regex.firstMatch(in: "https://")
                return regex
            }
        }
        return result
    }()

    static func check(components: URLComponents, url: String, platform: Platform) throws(DomainError) {
        guard platform != .custom else { return }
        let matches = compiled[platform, default: []].contains { (try? $0.firstMatch(in: url)) != nil }
        guard matches else {
            throw .invalidArgument(
                "url \(WebhookURL.mask(url)) is not a \(platform.rawValue) webhook URL; expected \(spec(platform).example)")
        }
        if platform == .googleChat {
            let names = Set((components.queryItems ?? []).filter { !($0.value ?? "").isEmpty }.map(\.name))
            guard names.contains("key"), names.contains("token") else {
                throw .invalidArgument("url is not a google_chat webhook URL: the key and token query parameters are required")
            }
        }
    }

    private static func spec(_ platform: Platform) -> (patterns: [String], example: String) {
        let patterns: [String]
        let example: String
        switch platform {
        case .custom:
            return ([], "any https URL")
        case .slack:
            patterns = [#"^https://hooks\.slack(-gov)?\.com/services/[A-Z0-9]+/[A-Z0-9]+/[A-Za-z0-9]+/?$"#]
            example = "https://hooks.slack.com/services/T…/B…/…"
        case .discord:
            patterns = [#"^https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api(?:/v\d+)?/webhooks/\d{17,20}/[A-Za-z0-9_-]+/?$"#]
            example = "https://discord.com/api/webhooks/<id>/<token>"
        case .teams:
            patterns = [
                #"^https://(?:[a-z0-9-]+\.webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/V2[A-Za-z0-9_-]+)?/?$"#,
                #"^https://[a-z0-9.-]+\.(?:logic\.azure\.com|environment\.api\.powerplatform\.com)(?::443)?/(?:powerautomate/automations/direct/(?:cu/\d+/)?)?workflows/[0-9a-f]{32}/triggers/manual/paths/invoke\?(?:.*&)?sig=[^&]+"#,
            ]
            example = "a Teams Workflows URL (https://….environment.api.powerplatform.com/…/invoke?…&sig=…)"
        case .googleChat:
            patterns = [#"^https://chat\.googleapis\.com/v1/spaces/[A-Za-z0-9_-]+/messages\?"#]
            example = "https://chat.googleapis.com/v1/spaces/<space>/messages?key=…&token=…"
        }
        return (patterns, example)
    }
}
