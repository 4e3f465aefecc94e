import Foundation
import HeraldClient

/// Starts `heraldd` on `directory`/herald.sock and herald.db with extra arguments, and waits until
/// it answers.
func startHeraldd(_ binary: String, directory: String, arguments: [String]) async throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments =
        ["--socket", "\(directory)/herald.sock", "--db", "\(directory)/herald.db", "--log-level", "warning"]
        + arguments
    try process.run()
    for _ in 0..<200 {
        if let client = try? await HeraldClient.connect(socketPath: "\(directory)/herald.sock") {
            await client.close()
            return process
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    process.terminate()
    throw BenchError("heraldd did not start")
}
