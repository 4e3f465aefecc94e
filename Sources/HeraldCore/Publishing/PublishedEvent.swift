import Foundation

/// An application event as published: validated, with its data kept byte for byte.
public struct PublishedEvent: Sendable, Equatable {
    public var eventID: String
    public var projectID: String
    public var projectName: String
    public var type: EventType
    /// RFC 3339 in UTC.
    public var timestamp: String
    /// The published JSON object, exactly as it came.
    public var dataJSON: String

    public static let dataLimit = 64 * 1024
    public static let idLimit = 200

    public init(eventID: String, projectID: String, projectName: String, type: EventType, timestamp: String, dataJSON: String) {
        self.eventID = eventID
        self.projectID = projectID
        self.projectName = projectName
        self.type = type
        self.timestamp = timestamp
        self.dataJSON = dataJSON
    }

    /// Validates a publish request. An empty event id or timestamp takes `newID` or `now`.
    public static func validate(
        eventID: String, projectID: String, projectName: String, eventType: String, timestamp: String,
        dataJSON: String, newID: () -> String, now: Date
    ) throws(DomainError) -> PublishedEvent {
        let id = String(eventID.trimmingSpaces)
        guard id.count <= idLimit, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument("event id must be at most \(idLimit) characters, without control characters")
        }
        let project = String(projectID.trimmingSpaces)
        guard !project.isEmpty, project.count <= IntegrationDecider.projectIDLimit else {
            throw .invalidArgument("project id is required (at most \(IntegrationDecider.projectIDLimit) characters)")
        }
        let name = String(projectName.trimmingSpaces)
        guard name.count <= 200 else { throw .invalidArgument("project name is longer than 200 characters") }
        guard let type = EventType(rawValue: String(eventType.trimmingSpaces)) else {
            throw .invalidArgument(eventType.isEmpty
                ? "event type is required; known types: \(EventType.knownList)"
                : "unknown event type '\(eventType)'; known types: \(EventType.knownList)")
        }
        let time = try timestamp.isEmpty ? Timestamp.format(now) : Timestamp.normalize(timestamp)
        guard dataJSON.utf8.count <= dataLimit else {
            throw .invalidArgument("data is \(dataJSON.utf8.count) bytes; at most \(dataLimit) are allowed")
        }
        _ = try EventData(json: dataJSON)
        return PublishedEvent(eventID: id.isEmpty ? newID() : id, projectID: project, projectName: name.isEmpty ? project : name,
                              type: type, timestamp: time, dataJSON: dataJSON)
    }

    /// The facts a notification shows.
    public var notification: Notice {
        // Validated at publish, so parsing again cannot fail; a stored event from elsewhere
        // still formats, with what it has.
        let data = (try? EventData(json: dataJSON)) ?? EventData(id: "?", title: "?")
        return Notice(event: self, data: data)
    }
}

/// The fields of an event's data that chat formats use.
public struct EventData: Sendable, Equatable {
    public var id: String
    public var title: String
    public var url: String?
    public var createdBy: String?
    public var deletedBy: String?
    public var completedBy: String?
    public var stats: Stats?

    public struct Stats: Sendable, Equatable {
        public var passed: Int64?
        public var failed: Int64?
        public var blocked: Int64?
        public var skipped: Int64?
        public var total: Int64?
    }

    public init(id: String, title: String, url: String? = nil, createdBy: String? = nil, deletedBy: String? = nil,
                completedBy: String? = nil, stats: Stats? = nil) {
        self.id = id
        self.title = title
        self.url = url
        self.createdBy = createdBy
        self.deletedBy = deletedBy
        self.completedBy = completedBy
        self.stats = stats
    }

    public init(json: String) throws(DomainError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw .invalidArgument("data must be a JSON object")
        }
        func text(_ key: String) -> String? {
            switch object[key] {
            case let string as String: string
            case let number as NSNumber: number.stringValue
            default: nil
            }
        }
        guard let id = text("id"), !id.trimmingSpaces.isEmpty else {
            throw .invalidArgument("data.id is required: a non-empty string")
        }
        guard let title = object["title"] as? String, !title.trimmingSpaces.isEmpty else {
            throw .invalidArgument("data.title is required: a non-empty string")
        }
        var stats: Stats?
        if let raw = object["stats"] as? [String: Any] {
            func count(_ key: String) -> Int64? { (raw[key] as? NSNumber).map { $0.int64Value } }
            stats = Stats(passed: count("passed"), failed: count("failed"), blocked: count("blocked"),
                          skipped: count("skipped"), total: count("total"))
        }
        self.init(id: id, title: title, url: object["url"] as? String, createdBy: text("createdBy"),
                  deletedBy: text("deletedBy"), completedBy: text("completedBy"), stats: stats)
    }
}

/// RFC 3339 timestamps in UTC.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Accepts RFC 3339 with `Z` or `+00:00`, with or without fractional seconds.
    public static func normalize(_ text: String) throws(DomainError) -> String {
        let trimmed = String(text.trimmingSpaces)
        guard trimmed.hasSuffix("Z") || trimmed.hasSuffix("z") || trimmed.hasSuffix("+00:00") else {
            throw .invalidArgument("timestamp must be RFC 3339 in UTC, such as 2026-08-20T10:15:00Z, not '\(text)'")
        }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: trimmed.replacingOccurrences(of: "z", with: "Z")) {
                let output = ISO8601DateFormatter()
                output.formatOptions = options
                output.timeZone = TimeZone(identifier: "UTC")
                return output.string(from: date)
            }
        }
        throw .invalidArgument("timestamp must be RFC 3339 in UTC, such as 2026-08-20T10:15:00Z, not '\(text)'")
    }
}

extension PublishedEvent {
    /// What `herald integrations test` sends.
    public static func sample(projectID: String, type: EventType) -> PublishedEvent {
        let data = #"{"id":"SAMPLE-1","title":"Herald test notification","createdBy":"herald","deletedBy":"herald","completedBy":"herald","stats":{"passed":1,"failed":0,"total":1}}"#
        return PublishedEvent(eventID: "sample", projectID: projectID, projectName: projectID, type: type,
                              timestamp: Timestamp.format(Date()), dataJSON: data)
    }
}
