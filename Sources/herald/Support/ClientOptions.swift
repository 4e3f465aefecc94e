import ArgumentParser
import Foundation
import HeraldClient
import HeraldCore
import HeraldWire

/// Options every command shares.
struct ClientOptions: ParsableArguments {
    @Option(help: "The daemon's Unix socket. (HERALD_SOCKET; default as for heraldd)")
    var socket: String?

    @Flag(help: "Print one JSON document (field names as in the proto JSON mapping) instead of text.")
    var json = false

    var socketPath: String {
        socket ?? DefaultPaths.socket(uid: getuid(), environment: ProcessInfo.processInfo.environment)
    }

    /// Connects, runs `body`, and turns an RPC error into the daemon's status and message on stderr
    /// and the exit status that says whose it was (see `ExitStatus`).
    func withClient<T>(_ body: (HeraldClient) async throws -> T) async throws -> T {
        let client: HeraldClient
        do {
            client = try await HeraldClient.connect(socketPath: socketPath)
        } catch let error as RPCError {
            Output.error("\(error.code): \(error.message)")
            throw ExitStatus.unreachable
        }
        defer { Task { await client.close() } }
        do {
            return try await body(client)
        } catch let error as RPCError {
            Output.error("\(error.code): \(error.message)")
            throw error == .connectionClosed ? ExitStatus.unreachable : ExitStatus.refused
        }
    }
}

/// herald's exit statuses, after sysexits(3): 0 success; 1 the daemon refused the call (its status
/// is printed); 64 (EX_USAGE) a usage error, argument-parser's own; 69 (EX_UNAVAILABLE) no daemon
/// could be reached, or it went away during the call.
enum ExitStatus {
    static let refused = ExitCode(1)
    static let unreachable = ExitCode(69)
}

enum Output {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("herald: \(message)\n".utf8))
    }

    static func json(_ value: some Encodable, pretty: Bool = true) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        print(String(decoding: data, as: UTF8.self))
    }

    static func time(_ unixMilliseconds: Int64) -> String {
        guard unixMilliseconds > 0 else { return "-" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(unixMilliseconds) / 1000))
    }

    /// Columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
