import HeraldClient
import HeraldServer
import HeraldWire
import TestSupport
import Testing

/// Single calls that once crashed the daemon or crossed a project boundary, sent as an attacker
/// would: raw bytes on the socket.
@Suite struct HostileCallTests {
    /// One length-delimited protobuf field, spelled by hand: the client's own encoder would cut a
    /// string at its NUL before sending it.
    static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    static func field(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value >= 0x80 ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }

    static func refusal(_ field: String) -> RPCError { RPCError(.invalidArgument, "\(field) must not contain a NUL byte") }

    @Test func aNULInAnyStringFieldIsRefusedByName() async throws {
        try await withDaemon { socket, _ in
            let connection = try await RPCConnection.connect(socketPath: socket)
            let client = HeraldClient(connection: connection)
            func connect(project: String = "PRJ-1", name: String = "n", events: String = "test_case.created") -> [UInt8] {
                Self.field(1, project) + Self.field(2, "slack") + Self.field(3, name) + Self.field(4, slackURL) + Self.field(5, events)
            }
            await #expect(throws: Self.refusal("name")) { try await connection.unary(Method.connectIntegration, connect(name: "left\0right")) }
            await #expect(throws: Self.refusal("project_id")) { try await connection.unary(Method.connectIntegration, connect(project: "P\0Q")) }
            await #expect(throws: Self.refusal("events")) {
                try await connection.unary(Method.connectIntegration, connect(events: "test_case.created\0x"))
            }
            #expect(try await client.listIntegrations().integrations.isEmpty)

            // A wrapped field is named by the field that holds it.
            let id = try await client.connectSlack()
            await #expect(throws: Self.refusal("name")) {
                try await connection.unary(Method.editIntegration, Self.field(1, id) + Self.field(2, Self.field(1, "a\0b")))
            }
            #expect(try await client.getIntegration(id).integration.name == "#alerts")
            await #expect(throws: Self.refusal("integration_id")) {
                try await connection.unary(Method.getIntegration, Self.field(1, id + "\0junk"))
            }
        }
    }

    /// `PRJ-BAD\0-other` once fanned out to the integrations of PRJ-BAD, and `EV-x\0-second` was
    /// taken for a repeat of `EV-x\0-first`.
    @Test func aNULCannotReachAnotherProjectOrCollideEventIDs() async throws {
        try await withDaemon { socket, _ in
            let connection = try await RPCConnection.connect(socketPath: socket)
            let client = HeraldClient(connection: connection)
            _ = try await client.connectSlack(project: "PRJ-BAD")
            func publish(id: String, project: String) -> [UInt8] {
                Self.field(1, id) + Self.field(2, project) + Self.field(4, "test_case.created")
                    + Self.field(6, #"{"id":"TC-1","title":"t"}"#)
            }
            await #expect(throws: Self.refusal("project_id")) {
                try await connection.unary(Method.publishEvent, publish(id: "EV-1", project: "PRJ-BAD\0-other"))
            }
            await #expect(throws: Self.refusal("event_id")) {
                try await connection.unary(Method.publishEvent, publish(id: "EV-x\0-first", project: "PRJ-BAD"))
            }
            #expect(try await client.listDeliveries(.init()).deliveries.isEmpty)
        }
    }

    @Test(arguments: [UInt64(1) << 63, UInt64.max])
    func aReadFromPastEveryPositionIsEmpty(_ position: UInt64) async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            _ = try await client.connectSlack()
            var read = 0
            for try await _ in client.readEvents(.init(fromPosition: position)) { read += 1 }
            #expect(read == 0)

            // Following from there waits, through commits, for an event that never comes.
            let follower = Task {
                var followed = 0
                for try await _ in client.readEvents(.init(fromPosition: position, follow: true)) { followed += 1 }
                return followed
            }
            _ = try await client.connectSlack(name: "#second", url: slackURL + "2")
            _ = try await client.status()
            follower.cancel()
            #expect(try await follower.value == 0)
            #expect(try await client.status().headPosition == 2)
        }
    }

    @Test func theLongestDeadlineIsNoDeadline() async throws {
        try await withDaemon { socket, _ in
            let raw = try RawSocket(path: socket)
            raw.sendFrame(RequestEnvelope(callID: 7, method: Method.getStatus, timeoutMilliseconds: .max).wireBytes())
            let reply = try await raw.readResponse()
            #expect(reply.callID == 7 && reply.status == 0 && reply.endOfStream)
        }
    }

    @Test func aTimestampWithALongFractionIsCut() async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            let published = try await client.publish(
                .init(
                    eventId: "EV-1", projectId: "P", projectName: "", eventType: "test_case.created",
                    timestamp: "2026-01-01T00:00:00." + String(repeating: "9", count: 30) + "Z", dataJson: #"{"id":"1","title":"t"}"#))
            #expect(published.eventId == "EV-1")
            _ = try await client.status()
        }
    }

    @Test func aMalformedMessageIsNamedOnce() async throws {
        try await withDaemon { socket, _ in
            let connection = try await RPCConnection.connect(socketPath: socket)
            await #expect(throws: RPCError(.invalidArgument, "malformed GetStatusRequest message")) {
                try await connection.unary(Method.getStatus, [0x0A, 0x7F, 0x41])
            }
        }
    }
}
