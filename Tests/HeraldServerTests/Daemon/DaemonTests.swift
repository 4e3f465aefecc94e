import Foundation
import HeraldClient
import HeraldServer
import HeraldWire
import Testing

@Suite struct DaemonTests {
    @Test func socketIsPrivate() async throws {
        try await withDaemon { socket, directory in
            let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let directoryMode = try FileManager.default.attributesOfItem(atPath: "\(directory)/run")[.posixPermissions] as? Int
            #expect(directoryMode == 0o700)
        }
    }

    @Test func peersOfOtherUIDsArePermissionDenied() async throws {
        try await withDaemon(configure: { $0.peerPolicy = PeerPolicy(allowedUIDs: [4_000_000]) }) { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            await #expect { try await client.status() } throws: { ($0 as? RPCError)?.code == .permissionDenied }
        }
    }

    @Test func allowedGIDLetsAPeerIn() async throws {
        try await withDaemon(configure: { $0.peerPolicy = PeerPolicy(allowedUIDs: [4_000_000], allowedGIDs: [getgid()]) }) { socket, _ in
            _ = try await HeraldClient.connect(socketPath: socket).status()
        }
    }

    @Test func refusesToStartOverALiveDaemonAndReplacesAStaleSocket() async throws {
        try await withDaemon { socket, directory in
            var second = DaemonConfiguration(socketPath: socket, databasePath: "\(directory)/other.db")
            second.synchronous = .normal
            let group = try HeraldDaemon(configuration: second, logger: .init(label: "test")).serviceGroup(signals: [], logger: .init(label: "test"))
            await #expect { try await group.run() } throws: { "\($0)".contains("already listening") }
        }
        // A socket file nobody listens on is stale and is replaced.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-stale-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/h.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8) }
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path))
        try await withDaemon(configure: { $0.socketPath = path }) { socket, _ in
            _ = try await HeraldClient.connect(socketPath: socket).status()
        }
    }
}

@Suite struct ShutdownTests {
    @Test func followStreamsEndWithUnavailableOnShutdown() async throws {
        let follower = try await withDaemon(configure: { $0.shutdownGracePeriod = .seconds(600) }) { socket, _ in
            let client = try await HeraldClient.connect(socketPath: socket)
            let follower = Task<RPCError?, Never> {
                do {
                    for try await _ in client.readEvents(.init(follow: true)) {}
                    return nil
                } catch {
                    return error as? RPCError
                }
            }
            _ = try await client.connectSlack()  // the stream is open once this event could reach it
            return follower
        }
        // Had the stream not been ended, shutdown would have waited out its 600 s grace period.
        #expect(await follower.value == RPCError(.unavailable, "heraldd is shutting down"))
    }
}
