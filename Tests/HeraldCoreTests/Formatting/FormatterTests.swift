import Foundation
import Testing

@testable import HeraldCore

/// Every platform × every event type against a reviewed golden file. Set HERALD_UPDATE_GOLDEN=1 to
/// rewrite them after an intended change, then review the diff.
@Suite struct GoldenFormatTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func sample(_ type: EventType) -> Notice {
        let data: String =
            switch type.verb {
            case .created:
                #"{"id":"TC-456","title":"Login page validation","createdBy":"john@example.com","url":"https://tm.example.com/cases/456","priority":"high"}"#
            case .deleted:
                #"{"id":"TC-456","title":"Login page validation","deletedBy":"jane@example.com"}"#
            case .completed:
                #"{"id":"CY-42","title":"Regression 5.2","completedBy":"jdoe","url":"https://tm.example.com/cycles/42","stats":{"passed":120,"failed":3,"blocked":1,"skipped":2,"total":126}}"#
            }
        let event = PublishedEvent(
            eventID: "evt_1", projectID: "PRJ-123", projectName: "My Project", type: type,
            timestamp: "2026-08-20T10:15:00Z", dataJSON: data)
        return event.notification
    }

    static let cases: [(Platform, EventType)] = Platform.allCases.flatMap { platform in EventType.allCases.map { (platform, $0) } }

    @Test(arguments: cases)
    func matchesGolden(_ platform: Platform, _ type: EventType) throws {
        let payload = PayloadFormatter.payload(for: Self.sample(type), platform: platform)
        let text = payload.serialized(pretty: true) + "\n"
        // Every payload is valid JSON.
        #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
        let file = Self.goldenDirectory.appendingPathComponent(platform.rawValue).appendingPathComponent("\(type.rawValue).json")
        if ProcessInfo.processInfo.environment["HERALD_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(text == golden, "\(platform.rawValue)/\(type.rawValue) differs from its golden file")
    }

    @Test func customCarriesDataByteForByte() {
        let n = Self.sample(.testCaseCreated)
        let payload = PayloadFormatter.payload(for: n, platform: .custom).serialized()
        #expect(
            payload == #"{"event":"test_case.created","timestamp":"2026-08-20T10:15:00Z","project":{"id":"PRJ-123","name":"My Project"},"data":"#
                + n.event.dataJSON + "}")
    }
}

@Suite struct HostileInputTests {
    static func notification(title: String, actor: String = "mallory", url: String? = nil) -> Notice {
        var data: [String: Any] = ["id": "TC-1", "title": title, "createdBy": actor]
        if let url { data["url"] = url }
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: data), as: UTF8.self)
        return PublishedEvent(
            eventID: "e", projectID: "P", projectName: "<!here> @everyone", type: .testCaseCreated,
            timestamp: "2026-08-20T10:15:00Z", dataJSON: json
        ).notification
    }

    static let hostile = "<!channel> @everyone <@U123> [x](https://evil.test) *bold* `code` <users/all> <b>html</b> &amp;"

    func strings(in json: Any) -> [String] {
        switch json {
        case let s as String: [s]
        case let a as [Any]: a.flatMap(strings)
        case let d as [String: Any]: d.values.flatMap(strings)
        default: []
        }
    }

    func decoded(_ platform: Platform, _ n: Notice) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(PayloadFormatter.payload(for: n, platform: platform).serialized().utf8))
    }

    @Test func slackCannotMentionOrLink() throws {
        let texts = strings(in: try decoded(.slack, Self.notification(title: Self.hostile)))
        for text in texts {
            #expect(!text.contains("<!channel>") && !text.contains("<!here>") && !text.contains("<@U123>"), "\(text)")
        }
        #expect(texts.contains { $0.contains("&lt;!channel&gt;") })
    }

    @Test func discordCannotPingOrForgeALink() throws {
        let payload = try #require(try decoded(.discord, Self.notification(title: Self.hostile)) as? [String: Any])
        let mentions = try #require(payload["allowed_mentions"] as? [String: Any])
        #expect((mentions["parse"] as? [Any])?.isEmpty == true)
        for text in strings(in: payload) {
            #expect(!text.contains("[x](https://evil.test)"), "\(text)")
        }
    }

    /// `allowed_mentions` stops every ping, so an `@` needs no breaking: an address copied from
    /// the message must be the address.
    @Test func discordKeepsAnAddressAsTyped() throws {
        let payload = try #require(try decoded(.discord, Self.notification(title: "Login", actor: "john@example.com")) as? [String: Any])
        let texts = strings(in: payload)
        #expect(texts.contains { $0.contains("by john@example.com") }, "\(texts)")
        #expect(!texts.contains { $0.contains("\u{200B}") })
    }

    @Test func teamsKeepsUntrustedTextOutOfMarkdown() throws {
        let payload = PayloadFormatter.payload(for: Self.notification(title: Self.hostile), platform: .teams).serialized()
        let object = try JSONSerialization.jsonObject(with: Data(payload.utf8))
        // The only TextBlock (which reads markdown) is the headline; the title is a TextRun.
        let card = try #require(((object as? [String: Any])?["attachments"] as? [[String: Any]])?.first?["content"] as? [String: Any])
        let body = try #require(card["body"] as? [[String: Any]])
        let textBlocks = body.flatMap { ($0["items"] as? [[String: Any]] ?? [$0]) }.filter { $0["type"] as? String == "TextBlock" }
        #expect(textBlocks.allSatisfy { ($0["text"] as? String) == "Test case created" })
        #expect(payload.contains("TextRun"))
    }

    @Test func googleChatEscapesCardsAndDefusesText() throws {
        let payload = try #require(try decoded(.googleChat, Self.notification(title: Self.hostile)) as? [String: Any])
        let text = try #require(payload["text"] as? String)
        #expect(!text.contains("<"))
        let cards = strings(in: payload["cardsV2"] as Any)
        #expect(cards.allSatisfy { !$0.contains("<b>") && !$0.contains("<users/all>") })
    }

    @Test func unsafeLinksAreDropped() throws {
        for url in ["javascript:alert(1)", "https://x.test/a b", "ftp://x.test/"] {
            let n = Self.notification(title: "t", url: url)
            #expect(n.link == nil)
            #expect(!PayloadFormatter.payload(for: n, platform: .slack).serialized().contains("\"url\""))
        }
    }

    @Test(arguments: Platform.allCases)
    func longTextStaysWithinLimits(_ platform: Platform) throws {
        let long = String(repeating: "Ünïcödé ✓ long title ", count: 2_000)
        let n = Self.notification(title: long, actor: long)
        let payload = PayloadFormatter.payload(for: n, platform: platform).serialized()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        switch platform {
        case .slack:
            let blocks = try #require(object["blocks"] as? [[String: Any]])
            let header = try #require((blocks[0]["text"] as? [String: Any])?["text"] as? String)
            #expect(header.count <= 150)
            for block in blocks {
                if let text = (block["text"] as? [String: Any])?["text"] as? String { #expect(text.count <= 3000) }
            }
            #expect(strings(in: object).contains { $0.hasSuffix("…") })
        case .discord:
            let embed = try #require((object["embeds"] as? [[String: Any]])?.first)
            let title = try #require(embed["title"] as? String)
            let description = try #require(embed["description"] as? String)
            let footer = try #require((embed["footer"] as? [String: Any])?["text"] as? String)
            #expect(title.count <= 256 && description.count <= 4096 && footer.count <= 2048)
            #expect(title.count + description.count + footer.count <= 6000)
            #expect(title.hasSuffix("…"))
        case .teams:
            #expect(payload.utf8.count <= 28_000)
        case .googleChat:
            #expect(payload.utf8.count <= 32_000)
            #expect((object["text"] as? String).map { $0.count <= 4096 } == true)
        case .custom:
            #expect(payload.contains(long), "custom gets the data as published")
        }
    }
}

@Suite struct JSONTests {
    @Test func escapesWhatJSONRequires() throws {
        let value: JSON = .object([("k\"", .string("line\nbreak \u{1} \\ \u{2028} é"))])
        let text = value.serialized()
        #expect(text == #"{"k\"":"line\nbreak \u0001 \\ \u2028 é"}"#)
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(back?["k\""] == "line\nbreak \u{1} \\ \u{2028} é")
    }
}
