import Testing

@testable import HeraldCore

@Suite struct WebhookURLTests {
    static let valid: [(Platform, String)] = [
        (.slack, "https://hooks.slack.com/services/T000/B000/XXXX"),
        (.slack, "https://hooks.slack-gov.com/services/T000/B000/XXXX/"),
        (.discord, "https://discord.com/api/webhooks/123456789012345678/abc_DEF-123"),
        (.discord, "https://discordapp.com/api/v10/webhooks/123456789012345678/tok"),
        (
            .teams,
            "https://prod-12.westus.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=abc"
        ),
        (
            .teams,
            "https://default123.ab.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=1&sp=x&sv=1.0&sig=zz"
        ),
        (
            .teams,
            "https://contoso.webhook.office.com/webhookb2/01234567-89ab-cdef-0123-456789abcdef@01234567-89ab-cdef-0123-456789abcdef/IncomingWebhook/0123456789abcdef0123456789abcdef/01234567-89ab-cdef-0123-456789abcdef"
        ),
        (.googleChat, "https://chat.googleapis.com/v1/spaces/AAAA_bbb/messages?key=k1&token=t1"),
        (.googleChat, "https://chat.googleapis.com/v1/spaces/AAAA/messages?token=t1&key=k1"),
        (.custom, "https://example.com/hooks/herald?sig=1"),
        (.custom, "https://8.8.8.8:8443/x"),
    ]

    @Test(arguments: valid)
    func accepts(_ platform: Platform, _ url: String) throws {
        let parsed = try WebhookURL(validating: url, platform: platform, allowList: .none)
        #expect(parsed.rawValue == url)
    }

    static let invalid: [(Platform, String, String)] = [
        (.slack, "http://hooks.slack.com/services/T000/B000/XXXX", "HTTPS required"),
        (.custom, "ftp://example.com/x", "HTTPS required"),
        (.slack, "https://hooks.slack.com.evil.test/services/T/B/X", "not a slack webhook URL"),
        (.slack, "https://evil.test/hooks.slack.com/services/T/B/X", "not a slack webhook URL"),
        (.slack, "https://hooks.slack.com/workflows/T/B/X", "not a slack webhook URL"),
        (.slack, "https://hooks.slack.com@evil.test/services/T/B/X", "credentials"),
        (.discord, "https://discord.com/api/webhooks/12/abc", "not a discord webhook URL"),
        (.teams, "https://example.com/workflows/x", "not a teams webhook URL"),
        (.googleChat, "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k1", "key and token"),
        (.custom, "https://127.0.0.1/x", "non-public"),
        (.custom, "https://[::1]:8443/x", "non-public"),
        (.custom, "https://0x7f.1/x", "non-public"),
        (.custom, "https://2130706433/x", "non-public"),
        (.custom, "https://[::ffff:169.254.169.254]/latest", "non-public"),
        (.custom, "https://1.2.3.256/x", "not a valid IP address"),
        (.custom, "", "url is required"),
        (.custom, "not a url", "not a valid absolute URL"),
        (.custom, "https:///path", "no host"),
    ]

    @Test(arguments: invalid)
    func refuses(_ platform: Platform, _ url: String, _ message: String) {
        #expect {
            try WebhookURL(validating: url, platform: platform, allowList: .none)
        } throws: { error in
            let error = error as? DomainError
            return error?.kind == .invalidArgument && error?.message.contains(message) == true
        }
    }

    @Test(arguments: [
        ("https://hooks.example.com/a/b?x=1&y=%20", "hooks.example.com", "/a/b?x=1&y=%20"),
        ("https://hooks.example.com:443", "hooks.example.com", "/"),
        ("https://hooks.example.com:8443/in", "hooks.example.com:8443", "/in"),
        ("https://[2606:4700::1111]:8443/in", "[2606:4700::1111]:8443", "/in"),
        ("https://8.8.8.8/in#fragment", "8.8.8.8", "/in"),
    ])
    func requestLineAndHostHeader(url: String, host: String, target: String) throws {
        let parsed = try WebhookURL(validating: url, platform: .custom, allowList: .none)
        #expect(parsed.hostHeader == host)
        #expect(parsed.target == target)
    }

    @Test func allowListExemptsShapeAndAddressChecks() throws {
        let allow = try HostAllowList(["localhost:8443", "127.0.0.1"])
        let url = try WebhookURL(validating: "https://localhost:8443/services/x", platform: .slack, allowList: allow)
        #expect(url.isAllowListed)
        #expect(try WebhookURL(validating: "https://127.0.0.1:9/x", platform: .discord, allowList: allow).isAllowListed)
        #expect(throws: DomainError.self) {
            try WebhookURL(validating: "https://localhost:9999/x", platform: .slack, allowList: allow)
        }
        #expect(throws: DomainError.self) {
            try WebhookURL(validating: "http://localhost:8443/x", platform: .custom, allowList: allow)
        }
    }

    /// A port past 65535 once saved, then trapped the sender on every start.
    @Test(arguments: [
        "https://93.184.216.34:99999/x", "https://93.184.216.34:65536/x", "https://[2606:4700:4700::1111]:65536/x",
        "https://93.184.216.34:4294967739/x", "https://example.test:99999/x", "https://93.184.216.34:0/x",
    ])
    func refusesAPortOutOfRange(_ url: String) throws {
        // An allowed host, with any port allowed, still gets a port in range.
        let allow = try! HostAllowList(["example.test"])
        #expect {
            try WebhookURL(validating: url, platform: .custom, allowList: allow)
        } throws: { error in
            (error as? DomainError)?.message.contains("out of range: a port is 1 to 65535") == true
        }
        #expect(try WebhookURL(validating: "https://example.test:65535/x", platform: .custom, allowList: allow).port == 65535)
    }

    @Test(arguments: ["", "host:", "host:99999", "[::1", "a:b:c"])
    func badAllowHost(_ spec: String) {
        #expect(throws: DomainError.self) { try HostAllowList([spec]) }
    }

    @Test func masksEveryTokenBearingPart() {
        #expect(WebhookURL.mask("https://hooks.slack.com/services/T000/B000/XXXX") == "https://hooks.slack.com/services/…")
        #expect(WebhookURL.mask("https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t") == "https://chat.googleapis.com/v1/…")
        #expect(WebhookURL.mask("https://example.com:8443/?token=secret") == "https://example.com:8443/…")
        #expect(WebhookURL.mask("https://example.com/hook") == "https://example.com/hook")
        #expect(WebhookURL.mask("garbage with secret") == "…")
    }

    /// A sealed URL shows the masked form it carries; text that only looks sealed shows no more than
    /// a URL would (the fuzzer found a hint holding a whole URL shown as it was).
    @Test func aSealedURLShowsItsHintMaskedAgain() {
        #expect(WebhookURL.mask("sealed:v1:0a1b2c3d:AAAA:https://hooks.slack.com/services/…") == "https://hooks.slack.com/services/…")
        #expect(WebhookURL.mask("sealed:v1:0a1b2c3d:AAAA:https://hooks.slack.com/services/T/B/SECRET") == "https://hooks.slack.com/services/…")
        #expect(WebhookURL.mask("sealed:v1:broken") == "…")
    }

    @Test func addressPolicyChecksEveryResolvedAddress() {
        #expect(throws: Never.self) { try AddressPolicy.check(host: "a.test", addresses: [.v4(0x0808_0808)]) }
        #expect { try AddressPolicy.check(host: "a.test", addresses: [.v4(0x0808_0808), .v4(0x7F00_0001)]) } throws: {
            ($0 as? DomainError)?.message.contains("resolves to 127.0.0.1") == true
        }
        #expect { try AddressPolicy.check(host: "nowhere.test", addresses: []) } throws: {
            ($0 as? DomainError)?.message == "could not resolve host 'nowhere.test'"
        }
    }
}

@Suite struct MaskTests {
    @Test(arguments: [
        ("https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/services/…"),
        ("https://discord.com/api/webhooks/1234/tok-en", "https://discord.com/api/…"),
        ("https://x.test:8443/hook", "https://x.test:8443/hook"),
        ("https://x.test:8443/hook?sig=abc", "https://x.test:8443/hook/…"),
        ("https://x.test/?sig=abc", "https://x.test/…"),
        ("https://x.test#frag", "https://x.test/…"),
        ("https://x.test", "https://x.test"),
        ("https://user:secret@x.test/a/b", "https://x.test/a/…"),
        ("HTTPS://X.test/a", "https://X.test/a"),
        ("no scheme/secret", "…"),
        ("://secret", "…"),
        ("https:///secret", "…"),
        ("", "…"),
    ])
    func masks(_ url: String, _ masked: String) {
        #expect(WebhookURL.mask(url) == masked)
        #expect(!WebhookURL.mask(url).contains("secret"))
    }
}
