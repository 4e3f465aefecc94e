import HeraldApp
import HeraldCore
import Logging
import NIOCore
import Synchronization

/// Gathers attempts' outcomes and records them in as few writes as it can: the outcomes that come
/// in over `gathering` (or while a write is on its way) go together in the next write. Nobody waits
/// on a recorded outcome but a failed delivery's retry, minutes away, so a few milliseconds cost
/// nothing; fewer, larger writes spare the writer a commit and its fsync for every few attempts.
final class AttemptRecorder: Sendable {
    private let deliveries: DeliveryService
    private let logger: Logger
    private let eventLoop: any EventLoop
    private let gathering: TimeAmount
    private let recorded: @Sendable ([Delivery]) -> Void
    /// `busy` while a write is scheduled or on its way.
    private let state = Mutex<(pending: [DeliveryService.Outcome], busy: Bool)>(([], false))

    /// `recorded` hears of each write's deliveries, as the log now has them.
    init(
        deliveries: DeliveryService, logger: Logger, eventLoop: any EventLoop, gathering: TimeAmount = .milliseconds(2),
        recorded: @escaping @Sendable ([Delivery]) -> Void
    ) {
        self.deliveries = deliveries
        self.logger = logger
        self.eventLoop = eventLoop
        self.gathering = gathering
        self.recorded = recorded
    }

    func record(_ outcome: DeliveryService.Outcome) {
        let schedule = state.withLock { state in
            state.pending.append(outcome)
            guard !state.busy else { return false }
            state.busy = true
            return true
        }
        if schedule { scheduleWrite() }
    }

    /// Returns once every outcome handed in is in the log (or failed to get there).
    func waitUntilIdle() async {
        while state.withLock({ $0.busy || !$0.pending.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    private func scheduleWrite() {
        eventLoop.scheduleTask(in: gathering) { self.write() }
    }

    private func write() {
        let batch = state.withLock { state in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        deliveries.recordAttempts(batch) { [self] result in
            switch result {
            case .success(let deliveries):
                recorded(deliveries)
            case .failure(let error):
                // The deliveries stay open in the view; the reactor's next start attempts them again.
                logger.error(
                    "could not record delivery attempts",
                    metadata: [
                        "deliveries": "\(batch.map(\.id.rawValue).joined(separator: ","))", "error": "\(error)",
                    ])
            }
            let more = state.withLock { state in
                state.busy = !state.pending.isEmpty
                return state.busy
            }
            if more { scheduleWrite() }
        }
    }
}
