import Testing

@testable import HeraldCore

@Suite struct IntegrationDeciderTests {
    let decider = IntegrationDecider()
    let slackURL = "https://hooks.slack.com/services/T000/B000/XXXX"

    func connect(
        name: String = "#alerts", url: String? = nil, platform: String = "slack",
        events: [String] = ["test_case.created"], project: String = "PRJ-1"
    ) -> IntegrationCommand.Connect {
        .init(id: IntegrationID("int_a"), projectID: project, platform: platform, name: name, url: url ?? slackURL, events: events)
    }

    func fold(_ events: [IntegrationEvent], into state: Integration? = nil, at time: Int64 = 1) -> Integration? {
        events.reduce(state) { Integration.evolve($0, $1, recordedAt: time) }
    }

    func connected() throws -> Integration {
        try #require(fold(try decider.decide(.connect(connect()), state: nil)))
    }

    @Test func connectCreatesAnIntegration() throws {
        let events = try decider.decide(.connect(connect(events: ["test_cycle.completed", "test_case.created", "test_case.created"])), state: nil)
        guard case .connected(let c) = events.first, events.count == 1 else {
            Issue.record("expected one connected event, got \(events)")
            return
        }
        #expect(c.events == [.testCaseCreated, .testCycleCompleted])  // catalog order, no repeats
        let state = try #require(fold(events))
        #expect(state.status == .connected)
        #expect(state.version == 1)
        #expect(state.maskedURL == "https://hooks.slack.com/services/…")
    }

    static let invalidConnects: [(String, String, String, [String], String)] = [
        // (name, platform, url, events, expected message fragment)
        ("", "slack", "https://hooks.slack.com/services/T/B/X", ["test_case.created"], "name is required"),
        (String(repeating: "n", count: 101), "slack", "https://hooks.slack.com/services/T/B/X", ["test_case.created"], "at most 100"),
        ("a\u{7}b", "slack", "https://hooks.slack.com/services/T/B/X", ["test_case.created"], "control characters"),
        ("ok", "irc", "https://hooks.slack.com/services/T/B/X", ["test_case.created"], "unknown platform 'irc'"),
        ("ok", "", "https://hooks.slack.com/services/T/B/X", ["test_case.created"], "platform is required"),
        ("ok", "slack", "https://hooks.slack.com/services/T/B/X", [], "at least one event type"),
        ("ok", "slack", "https://hooks.slack.com/services/T/B/X", ["test_case.updated"], "unknown event type 'test_case.updated'"),
        ("ok", "slack", "http://hooks.slack.com/services/T/B/X", ["test_case.created"], "HTTPS required"),
        ("ok", "discord", "https://hooks.slack.com/services/T/B/X", ["test_case.created"], "not a discord webhook URL"),
        ("ok", "custom", "https://10.0.0.5/hook", ["test_case.created"], "non-public"),
    ]

    @Test(arguments: invalidConnects)
    func connectRefusesBadInput(_ name: String, _ platform: String, _ url: String, _ events: [String], _ message: String) {
        #expect {
            try decider.decide(.connect(connect(name: name, url: url, platform: platform, events: events)), state: nil)
        } throws: { error in
            (error as? DomainError)?.message.contains(message) == true
        }
    }

    @Test func hundredCharacterNameIsFine() throws {
        #expect(try decider.decide(.connect(connect(name: String(repeating: "é", count: 100))), state: nil).count == 1)
    }

    @Test func reconnectingTheSameWebhookWritesNothing() throws {
        let existing = try connected()
        #expect(try decider.decide(.connect(connect()), state: existing).isEmpty)
        #expect(
            throws: DomainError.alreadyExists(
                "this webhook is already connected to project PRJ-1 as int_a; edit that integration instead")
        ) {
            try decider.decide(.connect(connect(name: "#other")), state: existing)
        }
    }

    @Test func editChangesOnlyWhatDiffers() throws {
        let state = try connected()
        let events = try decider.decide(.edit(.init(name: "#alerts", url: slackURL, events: ["test_plan.created"])), state: state)
        #expect(events == [.edited(.init(events: [.testPlanCreated]))])
        #expect(try decider.decide(.edit(.init(name: " #alerts ")), state: state).isEmpty)
        #expect(throws: DomainError.invalidArgument("nothing to edit: give a name, url or events")) {
            try decider.decide(.edit(.init()), state: state)
        }
        #expect(throws: DomainError.self) { try decider.decide(.edit(.init(url: "https://evil.test/x")), state: state) }
        #expect(throws: DomainError.notFound("no such integration")) { try decider.decide(.edit(.init(name: "x")), state: nil) }
    }

    @Test func resetAndReconnect() throws {
        var state = try connected()
        #expect(throws: DomainError.self) { try decider.decide(.reconnect(url: "https://hooks.slack.com/services/T/B/NEW"), state: state) }
        #expect(try decider.decide(.reconnect(url: nil), state: state).isEmpty)
        state = try #require(fold(try decider.decide(.reset, state: state), into: state))
        #expect(state.status == .reset)
        #expect(try decider.decide(.reset, state: state).isEmpty)
        #expect(throws: DomainError.self) { try decider.decide(.connect(connect()), state: state) }
        let events = try decider.decide(.reconnect(url: "https://hooks.slack.com/services/T/B/NEW"), state: state)
        state = try #require(fold(events, into: state, at: 9))
        #expect(state.status == .connected)
        #expect(state.url.hasSuffix("/NEW"))
        #expect(state.version == 3)
        #expect(state.updatedAt == 9 && state.createdAt == 1)
    }

    /// Equinox's property: after any command succeeds, the same command again decides nothing.
    @Test func repeatingAnyCommandWritesNothing() throws {
        var generator = SplitMix64(seed: 42)
        let names = ["#a", "#b", "c"]
        let urls = ["https://hooks.slack.com/services/T/B/1", "https://hooks.slack.com/services/T/B/2"]
        let eventSets = [["test_case.created"], ["test_plan.deleted", "test_case.created"], EventType.allCases.map(\.rawValue)]
        var state = try connected()
        for _ in 0..<500 {
            let command: IntegrationCommand =
                switch generator.next() % 4 {
                case 0:
                    .edit(
                        .init(
                            name: Bool.random(using: &generator) ? names.randomElement(using: &generator) : nil,
                            url: Bool.random(using: &generator) ? urls.randomElement(using: &generator) : nil,
                            events: eventSets.randomElement(using: &generator)))
                case 1: .reset
                case 2: .reconnect(url: Bool.random(using: &generator) ? urls.randomElement(using: &generator) : nil)
                default: .edit(.init(name: names.randomElement(using: &generator)))
                }
            guard let events = try? decider.decide(command, state: state) else { continue }
            state = try #require(fold(events, into: state))
            #expect(try decider.decide(command, state: state).isEmpty, "\(command) repeated")
        }
    }
}
