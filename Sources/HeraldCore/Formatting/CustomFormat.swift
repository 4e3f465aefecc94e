/// A custom endpoint gets the event as published: `{"event","timestamp","project":{"id","name"},"data"}`,
/// with `data` byte for byte.
enum CustomFormat {
    static func payload(_ n: Notice) -> JSON {
        .object([
            ("event", .string(n.event.type.rawValue)),
            ("timestamp", .string(n.event.timestamp)),
            ("project", .object([("id", .string(n.event.projectID)), ("name", .string(n.event.projectName))])),
            ("data", .raw(n.event.dataJSON)),
        ])
    }
}
