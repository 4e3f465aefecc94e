import ArgumentParser
import Foundation
import HeraldSQLite
import HeraldWire

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild every projection from position 0 of the log.",
        discussion: """
            Without --db, asks the running daemon to rebuild; commands wait until it is done. \
            With --db, rebuilds a database file directly; the daemon must be stopped.
            """)

    @OptionGroup var options: ClientOptions

    @Option(help: "Rebuild this database file offline instead of asking the daemon.")
    var db: String?

    func run() async throws {
        let bar = ProgressBar(enabled: Output.isTerminal && !options.json)
        let result: V1.ReplayProgress
        if let db {
            result = try await offline(db, bar)
        } else {
            result = try await options.withClient { client in
                var last = V1.ReplayProgress(processed: 0, total: 0, done: false)
                for try await progress in client.replay() {
                    bar.update(progress.processed, progress.total)
                    last = progress
                }
                return last
            }
        }
        bar.finish()
        if options.json {
            Output.json(result)
        } else {
            print("Rebuilt every projection from \(result.processed) events.")
        }
    }

    private func offline(_ path: String, _ bar: ProgressBar) async throws -> V1.ReplayProgress {
        guard FileManager.default.fileExists(atPath: path) else {
            Output.error("NOT_FOUND: no database at \(path)")
            throw ExitStatus.refused
        }
        let store: SQLiteEventLog
        do {
            store = try SQLiteEventLog(path: path)
        } catch {
            Output.error("FAILED_PRECONDITION: \(error)")
            throw ExitStatus.refused
        }
        let processed: UInt64
        do {
            processed = try await store.rebuildViews { processed, total in bar.update(processed, total) }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return V1.ReplayProgress(processed: processed, total: processed, done: true)
    }
}

/// A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ processed: UInt64, _ total: UInt64) {
        guard enabled else { return }
        let fraction = total == 0 ? 1 : Double(processed) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let line =
            "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] "
            + "\(Int(fraction * 100))%  \(processed)/\(total) events"
        lock.withLock {
            drawn = true
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    func finish() {
        lock.withLock { if drawn { FileHandle.standardError.write(Data("\n".utf8)) } }
    }
}
