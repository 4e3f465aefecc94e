import Foundation
import HeraldClient
import HeraldWire
import TestSupport
import Testing

/// The daemon under faults of its machine: a full disk, its database removed, damaged or
/// unreadable. Each gets a clear status or message and no crash, and nothing acknowledged is lost.
@Suite(.serialized) struct FaultTests {
    /// A full disk is a small tmpfs, which only root (CAP_SYS_ADMIN) can mount; where that fails
    /// the full-disk test can't fill a real disk safely, and is skipped with that reason.
    static let canMount: Bool = {
        guard let directory = try? temporaryDirectory() else { return false }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        guard (try? system("/bin/mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", directory)) == 0 else { return false }
        _ = try? system("/bin/umount", directory)
        return true
    }()

    static func publish(_ client: HeraldClient, _ id: String, bytes: Int) async throws {
        _ = try await client.publish(
            .init(
                eventId: id, projectId: "PRJ", eventType: "test_case.created",
                dataJson: #"{"id":"\#(id)","title":"\#(String(repeating: "t", count: bytes))"}"#))
    }

    /// The ids of every event published in the log, read back over the socket.
    static func publishedIDs(_ client: HeraldClient) async throws -> Set<String> {
        var ids = Set<String>()
        for try await event in client.readEvents(.init(fromPosition: 1)) where event.type == "EventPublished" {
            if let publication = try StoredEvent.decodePublication(type: event.type, payload: event.payload) {
                ids.insert(publication.event.eventID)
            }
        }
        return ids
    }

    @Test(.enabled(if: canMount, "mounting a small tmpfs needs root"), .timeLimit(.minutes(2)))
    func aFullDiskRefusesCommandsLosesNothingAndRecoversWhenSpaceReturns() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = "\(directory)/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        #expect(try system("/bin/mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk) == 0)
        defer { _ = try? system("/bin/umount", "-l", disk) }
        let daemon = DaemonProcess(directory: directory)
        daemon.databaseOverride = "\(disk)/herald.db"
        try await daemon.start()
        var client = try await HeraldClient.connect(socketPath: daemon.socket)

        var acknowledged: [String] = []
        var refusal: RPCError?
        for n in 0..<400 {
            do {
                try await Self.publish(client, "evt-\(n)", bytes: 16_000)
                acknowledged.append("evt-\(n)")
            } catch let error as RPCError {
                refusal = error
                break
            }
        }
        let full = try #require(refusal, "1 MiB never filled")
        #expect(full.code == .resourceExhausted, "\(full)")
        #expect(full.message.contains("is full"), "\(full.message)")
        #expect(acknowledged.count > 10)
        // While the disk stays full each command is refused the same way, and the daemon answers.
        await #expect { try await Self.publish(client, "evt-while-full", bytes: 16_000) } throws: {
            ($0 as? RPCError)?.code == .resourceExhausted
        }
        _ = try await client.status()

        // Space comes back: the next command succeeds, with no restart.
        #expect(try system("/bin/mount", "-o", "remount,size=64m", disk) == 0)
        try await Self.publish(client, "evt-after", bytes: 16_000)
        acknowledged.append("evt-after")
        await client.close()
        #expect(daemon.stop() == 0, "\(daemon.log)")

        try await daemon.start()
        client = try await HeraldClient.connect(socketPath: daemon.socket)
        let stored = try await Self.publishedIDs(client)
        #expect(Set(acknowledged).isSubset(of: stored), "every acknowledged publish is in the log")
        #expect(!stored.contains("evt-while-full"), "a refused one is not")
        await client.close()
        daemon.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func aDatabaseRemovedUnderTheDaemonRefusesWritesAndStillAnswers() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory)
        daemon.databaseOverride = "\(directory)/data/herald.db"
        try await daemon.start()
        let client = try await HeraldClient.connect(socketPath: daemon.socket)
        try await Self.publish(client, "evt-before", bytes: 10)

        try FileManager.default.removeItem(atPath: "\(directory)/data")
        await #expect { try await Self.publish(client, "evt-after", bytes: 10) } throws: { error in
            let rpc = error as? RPCError
            return rpc?.code == .unavailable && rpc?.message.contains("was removed or replaced") == true
        }
        // Reads and status still answer; the process is alive.
        _ = try await client.status()
        #expect(try await client.listIntegrations().integrations.isEmpty)
        await client.close()
        #expect(daemon.stop() == 0, "\(daemon.log)")
        #expect(daemon.log.contains("removed or replaced"))
    }

    @Test func aDamagedOrUnreadableDatabaseIsAClearErrorAtStart() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let garbage = "\(directory)/garbage.db"
        try Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }).write(to: URL(fileURLWithPath: garbage))
        let damaged = try heraldd(["--db", garbage, "--socket", "\(directory)/a.sock"])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("\(garbage) is damaged or not a Herald database"), "\(damaged.stderr)")

        let folder = "\(directory)/folder.db"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let notAFile = try heraldd(["--db", folder, "--socket", "\(directory)/b.sock"])
        #expect(notAFile.status == 1)
        #expect(notAFile.stderr.contains(folder) && !notAFile.stderr.contains("Fatal error"), "\(notAFile.stderr)")

        // Permissions stop only a user that isn't root: as root the file stays readable, so there
        // is nothing to see.
        if getuid() != 0 {
            let unreadable = "\(directory)/unreadable.db"
            _ = FileManager.default.createFile(atPath: unreadable, contents: nil)
            chmod(unreadable, 0)
            let refused = try heraldd(["--db", unreadable, "--socket", "\(directory)/c.sock"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(unreadable), "\(refused.stderr)")
        }
    }
}

/// Runs a program and returns its exit status.
@discardableResult
func system(_ executable: String, _ arguments: String...) throws -> Int32 {
    try ChildProcess(executable, arguments).waitForExit()
}
