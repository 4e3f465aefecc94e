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

    /// The default of `heraldd --max-event-bytes`: real test reports are long, and each chat
    /// formatter cuts what it shows to its platform's limits.
    public static let defaultDataLimit = 1024 * 1024
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
        dataJSON: String, dataLimit: Int = defaultDataLimit, newID: () -> String, now: Date
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
            throw .invalidArgument(
                eventType.isEmpty
                    ? "event type is required; known types: \(EventType.knownList)"
                    : "unknown event type '\(eventType)'; known types: \(EventType.knownList)")
        }
        let time = try timestamp.isEmpty ? Timestamp.format(now) : Timestamp.normalize(timestamp)
        try checkDataSize(dataJSON.utf8.count, limit: dataLimit)
        _ = try EventData(json: dataJSON)
        return PublishedEvent(
            eventID: id.isEmpty ? newID() : id, projectID: project, projectName: name.isEmpty ? project : name,
            type: type, timestamp: time, dataJSON: dataJSON)
    }

    /// Refuses data of `bytes` bytes over `limit`: the daemon's check, and the CLI's before it sends.
    public static func checkDataSize(_ bytes: Int, limit: Int) throws(DomainError) {
        guard bytes <= limit else {
            throw .invalidArgument("data is \(bytes) bytes; at most \(limit) are allowed (heraldd --max-event-bytes)")
        }
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

        public init(passed: Int64? = nil, failed: Int64? = nil, blocked: Int64? = nil, skipped: Int64? = nil, total: Int64? = nil) {
            self.passed = passed
            self.failed = failed
            self.blocked = blocked
            self.skipped = skipped
            self.total = total
        }
    }

    public init(
        id: String, title: String, url: String? = nil, createdBy: String? = nil, deletedBy: String? = nil,
        completedBy: String? = nil, stats: Stats? = nil
    ) {
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
            func count(_ key: String) -> Int64? {
                // Past Int64, int64Value gives nonsense (1e300 reads as Int64.min): no count.
                guard let number = raw[key] as? NSNumber, number.doubleValue.isFinite,
                    number.doubleValue.magnitude < 0x1p63
                else { return nil }
                return number.int64Value
            }
            stats = Stats(
                passed: count("passed"), failed: count("failed"), blocked: count("blocked"),
                skipped: count("skipped"), total: count("total"))
        }
        self.init(
            id: id, title: title, url: object["url"] as? String, createdBy: text("createdBy"),
            deletedBy: text("deletedBy"), completedBy: text("completedBy"), stats: stats)
    }
}

/// RFC 3339 timestamps in UTC. Done by hand: a date formatter costs more to make than a publish.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        format(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), milliseconds: nil)
    }

    /// Accepts RFC 3339 with `Z` or `+00:00`, with or without fractional seconds (kept to the millisecond).
    public static func normalize(_ text: String) throws(DomainError) -> String {
        let invalid = DomainError.invalidArgument("timestamp must be RFC 3339 in UTC, such as 2026-08-20T10:15:00Z, not '\(text)'")
        var rest = Substring(text.trimmingSpaces)
        if rest.hasSuffix("Z") || rest.hasSuffix("z") {
            rest = rest.dropLast()
        } else if rest.hasSuffix("+00:00") {
            rest = rest.dropLast(6)
        } else {
            throw invalid
        }
        let bytes = Array(rest.utf8)
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        /// The digits in `range`, at most 4 of them, as a number.
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count, range.count <= 4 else { return nil }
            var value: Int64 = 0
            for index in range {
                guard isDigit(bytes[index]) else { return nil }
                value = value * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { throw invalid }
        var milliseconds: Int64?
        if bytes.count > 19 {
            // Any number of digits is RFC 3339; only the first three are read, so that a long
            // fraction can't overflow.
            let digits = bytes.count - 20
            guard bytes[19] == UInt8(ascii: "."), digits > 0, bytes[20...].allSatisfy(isDigit),
                let fraction = number(20..<20 + min(digits, 3))
            else { throw invalid }
            milliseconds = fraction * pow10(3 - min(digits, 3))
        }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return format(seconds: seconds, milliseconds: milliseconds)
    }

    static func format(seconds: Int64, milliseconds: Int64?) -> String {
        let (year, month, day) = civil(days: seconds.floorDivided(by: 86_400))
        let time = seconds - seconds.floorDivided(by: 86_400) * 86_400
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(time / 3600, 2)):\(pad(time / 60 % 60, 2)):\(pad(time % 60, 2))"
        if let milliseconds { text += ".\(pad(milliseconds, 3))" }
        return text + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func pow10(_ n: Int) -> Int64 { (0..<n).reduce(1) { value, _ in value * 10 } }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension PublishedEvent {
    /// What `herald integrations test` sends.
    public static func sample(projectID: String, type: EventType) -> PublishedEvent {
        let data =
            #"{"id":"SAMPLE-1","title":"Herald test notification","createdBy":"herald","deletedBy":"herald","completedBy":"herald","stats":{"passed":1,"failed":0,"total":1}}"#
        return PublishedEvent(
            eventID: "sample", projectID: projectID, projectName: projectID, type: type,
            timestamp: Timestamp.format(Date()), dataJSON: data)
    }
}

extension PublishedEvent {
    /// Whether publishing `other` under the same id repeats this event rather than conflicting with
    /// it. A defaulted timestamp differs between two calls, so it is not compared.
    public func isRepeated(by other: PublishedEvent, timestampGiven: Bool) -> Bool {
        projectID == other.projectID && type == other.type && dataJSON == other.dataJSON
            && projectName == other.projectName && (!timestampGiven || timestamp == other.timestamp)
    }
}
