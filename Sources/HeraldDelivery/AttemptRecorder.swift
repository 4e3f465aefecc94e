import HeraldCore
import Logging
import Synchronization

/// Gathers attempts' outcomes and records them in as few writes as it can: while one write is on
/// its way, the outcomes that come in wait and go together in the next. At a few thousand
/// deliveries a second this spares the writer a savepoint, a queued write and a wake-up per attempt.
final class AttemptRecorder: Sendable {
    private let commands: DeliveryCommands
    private let logger: Logger
    private let recorded: @Sendable ([Delivery]) -> Void
    private let state = Mutex<(pending: [DeliveryCommands.Outcome], writing: Bool)>(([], false))

    /// `recorded` hears of each write's deliveries, as the log now has them.
    init(commands: DeliveryCommands, logger: Logger, recorded: @escaping @Sendable ([Delivery]) -> Void) {
        self.commands = commands
        self.logger = logger
        self.recorded = recorded
    }

    func record(_ outcome: DeliveryCommands.Outcome) {
        let startWrite = state.withLock { state in
            state.pending.append(outcome)
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if startWrite { writeNext() }
    }

    /// Returns once every outcome handed in is in the log (or failed to get there).
    func waitUntilIdle() async {
        while state.withLock({ $0.writing || !$0.pending.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private func writeNext() {
        let batch = state.withLock { state in
            let batch = state.pending
            state.pending.removeAll(keepingCapacity: true)
            if batch.isEmpty { state.writing = false }
            return batch
        }
        guard !batch.isEmpty else { return }
        commands.recordAttempts(batch) { [self] result in
            switch result {
            case .success(let deliveries):
                recorded(deliveries)
            case .failure(let error):
                // The deliveries stay open in the view; the reactor's next start attempts them again.
                logger.error("could not record delivery attempts", metadata: [
                    "deliveries": "\(batch.map(\.id.rawValue).joined(separator: ","))", "error": "\(error)",
                ])
            }
            writeNext()
        }
    }
}
