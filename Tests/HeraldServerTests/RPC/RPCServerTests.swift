import HeraldClient
import HeraldServer
import HeraldWire
import TestSupport
import Testing

@Suite struct RPCServerTests {
    @Test func unknownMethodIsUnimplemented() async throws {
        try await withDaemon { socket, _ in
            let connection = try await RPCConnection.connect(socketPath: socket)
            await #expect(throws: RPCError(.unimplemented, "unknown method '/herald.v1.Herald/Nope'")) {
                try await connection.unary("/herald.v1.Herald/Nope", [])
            }
        }
    }

    @Test func malformedMessageIsInvalidArgument() async throws {
        try await withDaemon { socket, _ in
            let connection = try await RPCConnection.connect(socketPath: socket)
            await #expect { try await connection.unary(Method.connectIntegration, [0x0A, 0x7F, 0x41]) } throws: {
                ($0 as? RPCError)?.code == .invalidArgument
            }
            // The connection is still usable.
            _ = try await HeraldClient(connection: connection).status()
        }
    }

    @Test func garbledFrameClosesOnlyThatConnection() async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            let raw = try RawSocket(path: socket)
            raw.sendFrame([0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
            #expect(await raw.waitForClose())
            _ = try await client.status()
        }
    }

    @Test func oversizeFrameIsRefusedOnItsHeader() async throws {
        try await withDaemon(configure: { $0.maximumFrameSize = 64 * 1024 }) { socket, _ in
            let raw = try RawSocket(path: socket)
            raw.send([0x00, 0x01, 0x00, 0x01])  // 65,537 bytes announced, none sent
            #expect(await raw.waitForClose())
            let other = try await HeraldClient.connect(socketPath: socket)
            _ = try await other.status()
        }
    }

    @Test func truncatedFrameStallsNoOne() async throws {
        try await withDaemon { socket, _ in
            let raw = try RawSocket(path: socket)
            raw.send([0x00, 0x00, 0x10, 0x00, 0x01, 0x02])  // a frame that never completes
            let client = try await HeraldClient.connect(socketPath: socket)
            _ = try await client.connectSlack()
            #expect(try await client.listIntegrations().integrations.count == 1)
        }
    }

    @Test func reusedOpenCallIDClosesTheConnection() async throws {
        try await withDaemon { socket, _ in
            let raw = try RawSocket(path: socket)
            let follow = RequestEnvelope(callID: 1, method: Method.readEvents, message: V1.ReadEventsRequest(follow: true).wireBytes())
            raw.sendFrame(follow.wireBytes())
            raw.sendFrame(follow.wireBytes())
            #expect(await raw.waitForClose())
        }
    }

    @Test func repliesComeOutOfOrderAndStreamsStream() async throws {
        try await withDaemon { socket, _ in
            let raw = try RawSocket(path: socket)
            // Call 1 follows the log and stays open; call 2 is answered while it waits.
            raw.sendFrame(
                RequestEnvelope(
                    callID: 1, method: Method.readEvents,
                    message: V1.ReadEventsRequest(fromPosition: 1, follow: true).wireBytes()
                ).wireBytes())
            raw.sendFrame(RequestEnvelope(callID: 2, method: Method.getStatus).wireBytes())
            let status = try await raw.readResponse()
            #expect(status.callID == 2 && status.endOfStream && status.status == 0)

            let client = try await HeraldClient.connect(socketPath: socket)
            let id = try await client.connectSlack()
            let streamed = try await raw.readResponse()
            #expect(streamed.callID == 1 && !streamed.endOfStream)
            let event = try V1.LogEvent(wireBytes: streamed.message)
            #expect(event.stream == "integration-\(id)" && event.type == "IntegrationConnected" && event.position == 1)

            raw.sendFrame(RequestEnvelope(callID: 1, method: "", cancel: true).wireBytes())
            raw.sendFrame(RequestEnvelope(callID: 3, method: Method.getStatus).wireBytes())
            let after = try await raw.readResponse()
            #expect(after.callID == 3)
        }
    }

    @Test func expiredDeadlineIsDeadlineExceeded() async throws {
        try await withDaemon { socket, _ in
            let connection = try await RPCConnection.connect(socketPath: socket)
            let stream = connection.stream(Method.readEvents, V1.ReadEventsRequest(follow: true).wireBytes(), timeout: .milliseconds(50))
            await #expect { for try await _ in stream {} } throws: { ($0 as? RPCError)?.code == .deadlineExceeded }
        }
    }

    @Test func manyConcurrentCallsOnOneConnection() async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for n in 0..<100 {
                    group.addTask { try await client.connectSlack(name: "n\(n)", url: "https://hooks.slack.com/services/T/B/\(n)") }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 100)
            #expect(try await client.listIntegrations(projectId: "PRJ-1").integrations.count == 100)
        }
    }

    @Test func boundedFollowStreamEnds() async throws {
        try await withDaemon { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            for n in 0..<5 { _ = try await client.connectSlack(url: "https://hooks.slack.com/services/T/B/\(n)") }
            var positions: [UInt64] = []
            for try await event in client.readEvents(.init(fromPosition: 2, limit: 3)) { positions.append(event.position) }
            #expect(positions == [2, 3, 4])
        }
    }

    @Test func aClientThatNeverReadsIsNotReadEither() async throws {
        try await withDaemon { socket, _ in
            let raw = try RawSocket(path: socket)
            raw.setSendTimeout(seconds: 1)
            var frame: [UInt8] = []
            for id in 1...1_000 {
                let request = RequestEnvelope(callID: UInt64(id), method: Method.getStatus).wireBytes()
                frame += [0, 0, 0, UInt8(request.count)] + request
            }
            // Replies pile up unread; once they fill the socket, the daemon must stop reading, and
            // then this client's sends stall. Without that, the daemon would buffer every reply.
            var batches = 0
            while batches < 2_000, raw.send(frame) { batches += 1 }
            #expect(batches < 2_000, "the daemon kept reading from a client that never reads")
            let other = try await HeraldClient.connect(socketPath: socket)
            _ = try await other.status()
        }
    }
}
