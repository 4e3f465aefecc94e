import Foundation
import Testing

@testable import HeraldCore

@Suite struct PublishedEventTests {
    func validate(
        type: String = "test_case.created", timestamp: String = "", data: String = #"{"id":"TC-1","title":"t"}"#,
        id: String = "e1", project: String = "P"
    ) throws(DomainError) -> PublishedEvent {
        try PublishedEvent.validate(
            eventID: id, projectID: project, projectName: "", eventType: type, timestamp: timestamp,
            dataJSON: data, newID: { "generated" }, now: Date(timeIntervalSince1970: 1_787_220_900))
    }

    @Test func defaultsAndNormalisation() throws {
        let event = try validate(timestamp: "2026-08-20T10:15:00.250+00:00", id: "")
        #expect(event.eventID == "generated")
        #expect(event.projectName == "P")
        #expect(event.timestamp == "2026-08-20T10:15:00.250Z")
        #expect(try validate().timestamp == "2026-08-20T10:15:00Z")
    }

    static let invalid: [(String, String, String, String)] = [
        ("test_case.updated", "", #"{"id":"1","title":"t"}"#, "unknown event type"),
        ("test_case.created", "2026-08-20T10:15:00+02:00", #"{"id":"1","title":"t"}"#, "UTC"),
        ("test_case.created", "yesterday", #"{"id":"1","title":"t"}"#, "RFC 3339"),
        ("test_case.created", "", #"["id"]"#, "JSON object"),
        ("test_case.created", "", #"{"title":"t"}"#, "data.id is required"),
        ("test_case.created", "", #"{"id":"1","title":""}"#, "data.title is required"),
        ("test_case.created", "", "{", "JSON object"),
    ]

    @Test(arguments: invalid)
    func refuses(_ type: String, _ timestamp: String, _ data: String, _ message: String) {
        #expect { try validate(type: type, timestamp: timestamp, data: data) } throws: {
            ($0 as? DomainError)?.message.contains(message) == true
        }
    }

    /// Real test reports are long: a 31,000-character title with long fields is an ordinary event.
    @Test func aLongEventIsAcceptedUpToTheLimit() throws {
        let long = String(repeating: "é", count: 31_000)
        let data = #"{"id":"CY-1","title":"\#(long)","completedBy":"\#(long)"}"#
        #expect(data.utf8.count > 64 * 1024)
        #expect(try validate(type: "test_cycle.completed", data: data).dataJSON == data)
        #expect {
            try PublishedEvent.validate(
                eventID: "e", projectID: "P", projectName: "", eventType: "test_case.created",
                timestamp: "", dataJSON: data, dataLimit: 100_000, newID: { "g" }, now: Date())
        } throws: { ($0 as? DomainError)?.message.contains("at most 100000 are allowed (heraldd --max-event-bytes)") == true }
    }

    /// A count past Int64 is no count: read as one, it showed as -9223372036854775808.
    @Test(
        arguments: [
            ("1e300", nil), ("-1e300", nil), ("18446744073709551616", nil), ("9223372036854775808", nil),
            ("1.5", 1), ("120", 120),
        ] as [(String, Int64?)])
    func aCountPastInt64IsNoCount(_ number: String, _ read: Int64?) throws {
        let event = try validate(type: "test_cycle.completed", data: #"{"id":"1","title":"t","stats":{"passed":\#(number)}}"#)
        #expect(event.notification.data.stats?.passed == read)
    }

    @Test func keepsEveryKey() throws {
        let data = #"{"id":7,"title":"t","custom":{"nested":[1,2]},"url":"https://x.test"}"#
        let event = try validate(data: data)
        #expect(event.dataJSON == data)
        #expect(event.notification.data.id == "7")
        #expect(event.notification.link == "https://x.test")
    }
}

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-08-20T10:15:00Z", "2026-08-20T10:15:00Z"),
        ("2026-08-20t10:15:00z", "2026-08-20T10:15:00Z"),
        ("2024-02-29T23:59:59+00:00", "2024-02-29T23:59:59Z"),
        ("2026-08-20T10:15:00.25Z", "2026-08-20T10:15:00.250Z"),
        ("2026-08-20T10:15:00.123456Z", "2026-08-20T10:15:00.123Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        // Once an arithmetic overflow that killed the daemon.
        ("2026-01-01T00:00:00." + String(repeating: "9", count: 30) + "Z", "2026-01-01T00:00:00.999Z"),
        ("2026-01-01T00:00:00." + String(repeating: "0", count: 400) + "1Z", "2026-01-01T00:00:00.000Z"),
    ])
    func normalises(_ input: String, _ output: String) throws {
        #expect(try Timestamp.normalize(input) == output)
    }

    @Test(arguments: [
        "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-08-20T24:00:00Z", "2026-08-20 10:15:00Z",
        "2026-08-20T10:15:00+01:00", "2026-08-20T10:15:00", "2026-08-20T10:15:00.Z", "20260820T101500Z",
        "2026-08-20T10:15:00.99x9Z", "99999-08-20T10:15:00Z",
    ])
    func refuses(_ input: String) {
        #expect(throws: DomainError.self) { try Timestamp.normalize(input) }
    }

    @Test func formatsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for seconds in stride(from: -86_400 * 400, to: 86_400 * 365 * 80, by: 86_400 * 37 + 3_671) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(Timestamp.format(date) == formatter.string(from: date))
        }
    }
}
