import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CLITests {
    let slack = "https://hooks.slack.com/services/T000/B000/XXXX"

    @Test func aUserConnectsListsEditsResetsAndReconnects() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory)
        try await daemon.start()
        let socket = ["--socket", daemon.socket]

        let connect = try herald(
            ["integrations", "connect"] + socket + [
                "--project", "PRJ-123", "--platform", "slack", "--name", "#engineering-alerts",
                "--url", slack, "--events", "test_case.created,test_cycle.completed", "--json",
            ])
        #expect(connect.status == 0, "\(connect.stderr)")
        let reply = try JSONSerialization.jsonObject(with: Data(connect.stdout.utf8)) as? [String: Any]
        let integration = try #require(reply?["integration"] as? [String: Any])
        let id = try #require(integration["id"] as? String)
        #expect(reply?["webhookUrl"] as? String == slack)
        #expect(integration["status"] as? String == "connected")
        #expect(integration["projectId"] as? String == "PRJ-123")

        let list = try herald(["integrations", "list", "--project", "PRJ-123"] + socket)
        #expect(list.status == 0)
        #expect(list.stdout.contains(id) && list.stdout.contains("#engineering-alerts"))
        #expect(list.stdout.contains("https://hooks.slack.com/services/…"))
        #expect(!list.stdout.contains("XXXX"), "listings never show the full URL")

        #expect(try herald(["integrations", "edit", id, "--name", "#qa"] + socket).status == 0)
        let show = try herald(["integrations", "show", id] + socket)
        #expect(show.stdout.contains("#qa"))
        #expect(!show.stdout.contains("XXXX"))

        let reset = try herald(["integrations", "reset", id, "--json"] + socket)
        #expect(reset.stdout.contains("\"status\" : \"reset\""))
        let reconnect = try herald(["integrations", "reconnect", id] + socket)
        #expect(reconnect.status == 0)
        #expect(reconnect.stdout.contains("connected"))

        let tail = try herald(["events", "tail"] + socket)
        let lines = tail.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.map { $0.split(separator: "\t")[3] } == ["IntegrationConnected", "IntegrationEdited", "IntegrationReset", "IntegrationReconnected"])
        #expect(!tail.stdout.contains("XXXX"), "the tail masks URLs too")

        let status = try herald(["status", "--json"] + socket)
        let statusJSON = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        // A 64-bit integer is a string in the proto JSON mapping; a 32-bit one is a number.
        #expect(statusJSON?["headPosition"] as? String == "4")
        #expect(statusJSON?["maxFrameBytes"] as? Int == 4_194_304)
        #expect(statusJSON?["socketPath"] as? String == daemon.socket)

        let replay = try herald(["replay"] + socket)
        #expect(replay.status == 0)
        #expect(replay.stdout.contains("4 events"))

        #expect(daemon.stop(SIGTERM) == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket), "a clean stop removes the socket")
        let wal = try? FileManager.default.attributesOfItem(atPath: daemon.database + "-wal")[.size] as? Int
        #expect((wal ?? 0) == 0, "a clean stop checkpoints the WAL away")
        #expect(!daemon.log.contains("XXXX"), "the daemon's log never holds a full webhook URL")
    }

    @Test func errorsPrintTheStatusAndExitNonZero() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory)
        try await daemon.start()
        let socket = ["--socket", daemon.socket]

        let insecure = try herald(
            ["integrations", "connect"] + socket + [
                "--project", "P", "--platform", "slack", "--name", "n",
                "--url", "http://hooks.slack.com/services/T/B/X", "--events", "test_case.created",
            ])
        #expect(insecure.status != 0)
        #expect(insecure.stderr.contains("INVALID_ARGUMENT: HTTPS required"))

        let ssrf = try herald(
            ["integrations", "connect"] + socket + [
                "--project", "P", "--platform", "custom", "--name", "n", "--url", "https://0177.0.0.1/x", "--events", "test_case.created",
            ])
        #expect(ssrf.status != 0)
        #expect(ssrf.stderr.contains("non-public address"))

        let missing = try herald(["integrations", "show", "int_missing"] + socket)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("NOT_FOUND"))

        let nowhere = try herald(["status", "--socket", "\(directory)/nowhere.sock"])
        #expect(nowhere.status != 0)
        #expect(nowhere.stderr.contains("UNAVAILABLE"))
        daemon.stop()
    }

    /// Each kind of failure has its own exit status (sysexits(3)), and no daemon is said plainly.
    @Test func exitStatusesTellWhoseFailureItWas() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory)
        try await daemon.start()
        let socket = ["--socket", daemon.socket]

        #expect(try herald(["status"] + socket).status == 0)
        let refused = try herald(["integrations", "show", "int_missing"] + socket)
        #expect(refused.status == 1, "the daemon refused: \(refused.stderr)")
        #expect(refused.stderr.contains("NOT_FOUND"))

        let usage: [[String]] = [
            ["status", "--no-such-flag"],  // an unknown flag
            ["integrations", "connect", "--project", "P"] + socket,  // missing options
            ["no-such-command"],  // an unknown subcommand
            ["deliveries", "list", "--limit", "many"] + socket,  // a bad number
        ]
        for arguments in usage {
            let result = try herald(arguments)
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
        }

        let nowhere = "\(directory)/nowhere.sock"
        let unreachable = try herald(["status", "--socket", nowhere])
        #expect(unreachable.status == 69)
        #expect(
            unreachable.stderr.contains("UNAVAILABLE: no heraldd is listening at \(nowhere) (is it running?"),
            "\(unreachable.stderr)")
        #expect(!unreachable.stderr.contains("errno"), "no NIO text")
        // A socket file that nothing listens on any more says the same.
        daemon.stop(SIGKILL)
        let stale = try herald(["status"] + socket)
        #expect(stale.status == 69)
        #expect(stale.stderr.contains("no heraldd is listening at \(daemon.socket)"), "\(stale.stderr)")
    }

    @Test func offlineReplayNeedsTheDaemonStopped() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory)
        try await daemon.start()
        for n in 0..<30 {
            let result = try herald([
                "integrations", "connect", "--socket", daemon.socket, "--project", "P", "--platform", "slack",
                "--name", "n\(n)", "--url", "https://hooks.slack.com/services/T/B/\(n)", "--events", "test_case.created",
            ])
            #expect(result.status == 0)
        }
        let busy = try herald(["replay", "--db", daemon.database])
        #expect(busy.status != 0)
        #expect(busy.stderr.contains("in use"))
        let before = try herald(["integrations", "list", "--json", "--socket", daemon.socket]).stdout
        daemon.stop()

        let offline = try herald(["replay", "--db", daemon.database, "--json"])
        #expect(offline.status == 0, "\(offline.stderr)")
        #expect(offline.stdout.contains("\"processed\" : \"30\""))

        try await daemon.start()
        #expect(try herald(["integrations", "list", "--json", "--socket", daemon.socket]).stdout == before)
        daemon.stop()
    }

    @Test func environmentVariablesConfigureBoth() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = "\(directory)/env.sock"
        let process = try ChildProcess(
            Binaries.heraldd, [], environment: ["HERALD_SOCKET": socket, "HERALD_DB": "\(directory)/env.db", "HERALD_LOG_LEVEL": "error"])
        defer {
            process.signal(SIGTERM)
            process.waitForExit()
        }
        var status = CommandResult(status: 1, stdout: "", stderr: "")
        for _ in 0..<100 {
            status = try herald(["status"], environment: ["HERALD_SOCKET": socket])
            if status.status == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(status.status == 0)
        #expect(status.stdout.contains("\(directory)/env.db"))
    }
}

@Suite(.serialized) struct CLILimitTests {
    /// 5 MiB on stdin once closed the connection with "UNAVAILABLE: connection to heraldd closed".
    @Test func publishSaysWhenTheDataIsTooLargeBeforeSendingIt() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = DaemonProcess(directory: directory, arguments: ["--max-event-bytes", "100000"])
        try await daemon.start()
        let data = #"{"id":"TC-1","title":""# + String(repeating: "x", count: 5 * 1024 * 1024) + #""}"#
        let file = "\(directory)/data.json"
        try data.write(toFile: file, atomically: true, encoding: .utf8)
        let finished = try ChildProcess.run(
            Binaries.herald, ["publish", "--socket", daemon.socket, "--project", "P", "--event", "test_case.created", "--data", "-"],
            stdin: file)
        let stderr = finished.stderr
        #expect(finished.status == 1)
        #expect(
            stderr.contains("INVALID_ARGUMENT: data is \(data.utf8.count) bytes; at most 100000 are allowed (heraldd --max-event-bytes)"),
            "\(stderr)")

        // Under the limit but over the old 64 KiB: an ordinary long event.
        let long = #"{"id":"CY-1","title":""# + String(repeating: "y", count: 90_000) + #""}"#
        let published = try herald([
            "publish", "--socket", daemon.socket, "--project", "P", "--event", "test_cycle.completed",
            "--data", long,
        ])
        #expect(published.status == 0, "\(published.stderr)")
        daemon.stop()
    }

    /// A number that doesn't parse in a list variable was once dropped silently.
    @Test func aBadNumberInTheEnvironmentIsRefused() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let finished = try ChildProcess.run(
            Binaries.heraldd, ["--socket", "\(directory)/h.sock", "--db", "\(directory)/h.db"], environment: ["HERALD_ALLOW_UIDS": "1000,abc"])
        let stderr = finished.stderr
        #expect(finished.status != 0)
        #expect(stderr.contains("HERALD_ALLOW_UIDS: 'abc' is not a number"), "\(stderr)")
    }
}
