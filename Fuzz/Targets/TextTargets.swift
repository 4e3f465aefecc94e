import Foundation
import HeraldCore

extension FuzzTarget {
    /// Event data as published: parsing either refuses with a message or yields an id and a title.
    static let eventData = FuzzTarget(name: "event-data", summary: "the event data JSON a publish carries") { input in
        guard let data = try? EventData(json: input.text) else { return }
        try require(!data.id.isEmpty && !data.title.isEmpty, "event data accepted without an id or a title")
    }

    /// RFC 3339 timestamps: what is accepted normalises to a form that normalises to itself.
    static let timestamp = FuzzTarget(name: "timestamp", summary: "RFC 3339 timestamps") { input in
        guard let normal = try? Timestamp.normalize(input.text) else { return }
        try require((try? Timestamp.normalize(normal)) == normal, "'\(normal)' does not normalise to itself")
    }

    /// Webhook URLs for every platform, with and without an allow list, and IP literals: an
    /// accepted URL has a port in range and accepts itself again, a literal host is public, a
    /// parsed address reads back from its own spelling, and masking hides what follows the
    /// first path segment.
    static let url = FuzzTarget(name: "url", summary: "webhook URLs, IP literals and URL masking") { input in
        let text = input.text
        if let address = IPAddress(literal: text) {
            try require(IPAddress(literal: address.description) == address, "\(address) does not read back from its own spelling")
            _ = AddressClassifier.nonPublicReason(address)
        }
        _ = IPAddress.looksNumeric(text)
        for allowList in allowLists {
            for platform in Platform.allCases {
                guard let url = try? WebhookURL(validating: text, platform: platform, allowList: allowList) else { continue }
                if let port = url.port { try require(WebhookURL.ports.contains(port), "port \(port) accepted") }
                try require(!url.host.isEmpty, "a URL accepted without a host")
                if url.isIPLiteral, !url.isAllowListed, let address = IPAddress(literal: url.host) {
                    try require(AddressClassifier.isPublic(address), "non-public \(address) accepted")
                }
                try require(
                    (try? WebhookURL(validating: url.rawValue, platform: platform, allowList: allowList)) == url,
                    "an accepted URL is not accepted again")
            }
        }
        try checkMask(text)
    }

    private static let allowLists: [HostAllowList] = [.none, try! HostAllowList(["localhost", "receiver.test:8443", "[::1]"])]

    /// A path's later segments are where platforms put tokens: a long one must not show.
    private static func checkMask(_ text: String) throws {
        let masked = WebhookURL.mask(text)
        // Sealed text shows its hint, masked as any URL is.
        if let sealed = SealedText(parsing: text) {
            try require(masked == WebhookURL.mask(sealed.hint), "sealed text showed '\(masked)', not its hint masked")
            return
        }
        guard let schemeEnd = text.range(of: "://") else { return }
        let rest = text[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return }
        let shown = text[..<slash]
        let segments = rest[slash...].prefix { $0 != "?" && $0 != "#" }.split(separator: "/")
        for secret in segments.dropFirst() where secret.count >= 16 && !shown.contains(secret) && !(segments.first ?? "").contains(secret) {
            try require(!masked.contains(secret), "masking showed '\(secret)' of '\(text)'")
        }
    }

    /// Each platform's payload for an event whose fields come from the input (cut at 0xFF bytes)
    /// and whose type the first byte picks: always a JSON object that parses back.
    static let formatter = FuzzTarget(name: "formatter", summary: "each platform's payload for any event") { input in
        guard let (choice, bytes) = input.choosing(among: EventType.allCases.count) else { return }
        let f = bytes.fields(9)
        let numbers = f[8].utf8.map { Int64($0) - 64 }
        let stats = EventData.Stats(
            passed: numbers.first, failed: numbers.dropFirst().first, blocked: numbers.dropFirst(2).first,
            skipped: numbers.dropFirst(3).first, total: numbers.dropFirst(4).first)
        let data = EventData(
            id: f[0], title: f[1], url: f[2].isEmpty ? nil : f[2], createdBy: f[3].isEmpty ? nil : f[3],
            deletedBy: f[4].isEmpty ? nil : f[4], completedBy: f[5].isEmpty ? nil : f[5], stats: numbers.isEmpty ? nil : stats)
        let event = PublishedEvent(
            eventID: "evt_fuzz", projectID: f[6], projectName: f[7], type: EventType.allCases[choice],
            timestamp: "2026-08-20T10:15:00Z", dataJSON: "{}")
        for platform in Platform.allCases {
            try checkPayload(Notice(event: event, data: data), platform)
        }
    }
}

/// A payload must be a JSON object that a JSON parser reads back.
func checkPayload(_ notice: Notice, _ platform: Platform) throws {
    let body = PayloadFormatter.payload(for: notice, platform: platform).serialized()
    let parsed = try? JSONSerialization.jsonObject(with: Data(body.utf8))
    try require(parsed is [String: Any], "the \(platform.rawValue) payload is not a JSON object: \(body.prefix(200))")
}
