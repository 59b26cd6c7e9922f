import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwarmStore

/// Fires `sla.warning` and `sla.breached` on time: one task that sleeps until the earliest
/// pending alert in the store's `sla_alerts` index (one indexed query), fires what is due, and
/// sleeps again. Ops that change a case's clocks `wake()` it, since the earliest deadline may
/// have moved; no per-case timers. After a restart the first pass catches up on whatever fell
/// due while the server was down. The clock is the store's (`SLAContext`), so tests inject it.
final class SLAScheduler: Service, Sendable {
    let store: SQLiteStore
    let leadsChannel: String
    let logger: Logger
    /// A wake-up that came while no sleep was in progress, and the sleep to cut short.
    private let state = Mutex<(pending: Bool, sleeper: Task<Void, Never>?)>((false, nil))
    /// The longest sleep: a safety net only, every change wakes the loop.
    static let maxSleep: Duration = .seconds(3600)

    init(store: SQLiteStore, leadsChannel: String, logger: Logger) {
        self.store = store
        self.leadsChannel = leadsChannel
        self.logger = logger
    }

    func wake() {
        state.withLock { s in
            s.pending = true
            s.sleeper?.cancel()
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        while !Task.isCancelled {
            state.withLock { $0.pending = false }
            var delay = Self.maxSleep
            do {
                let fired = try await store.fireDueSLAAlerts(leadsChannel: leadsChannel)
                if fired > 0 { logger.info("SLA alerts fired", metadata: ["alerts": "\(fired)"]) }
                if let next = try await store.nextSLAAlert() {
                    let ms = max(0, next.timeIntervalSince(store.sla.now()) * 1000)
                    delay = min(delay, .milliseconds(Int64(min(ms, 3.6e6))))
                }
            } catch {
                logger.error("SLA scheduler pass failed", metadata: ["error": "\(error)"])
                delay = .seconds(1)
            }
            if delay == .zero { continue }
            let sleeper = Task<Void, Never> { _ = try? await Task.sleep(for: delay) }
            let skip = state.withLock { s -> Bool in
                if s.pending { return true }
                s.sleeper = sleeper
                return false
            }
            if skip { sleeper.cancel() }
            await withTaskCancellationHandler { await sleeper.value } onCancel: { sleeper.cancel() }
            state.withLock { $0.sleeper = nil }
        }
    }
}
