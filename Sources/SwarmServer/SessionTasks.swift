import Synchronization

/// The tasks sessions start (a request being handled, a replay being read). No task waits for a
/// connection's whole life any more, so the server's shutdown waits for these before it closes
/// the store under them.
final class SessionTasks: Sendable {
    private struct State {
        var running = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        /// Shutdown is waiting: no new task starts (its socket is closed or about to be).
        var closed = false
    }

    private let state = Mutex(State())

    /// Runs `work` in a new task on `executor` (nil: the shared pool), counted until it returns;
    /// nothing once shutdown waits.
    func run(on executor: (any TaskExecutor)?, _ work: @escaping @Sendable () async -> Void) {
        guard state.withLock({ s -> Bool in
            if s.closed { return false }
            s.running += 1
            return true
        }) else { return }
        Task(executorPreference: executor) {
            await work()
            let waiters = self.state.withLock { s -> [CheckedContinuation<Void, Never>] in
                s.running -= 1
                guard s.running == 0 else { return [] }
                defer { s.waiters = [:] }
                return Array(s.waiters.values)
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Starts no more tasks and waits until none runs, or until `deadline` (a store call that
    /// never returns must not hold the shutdown forever); returns how many still run.
    func close(waitingUntil deadline: ContinuousClock.Instant) async -> Int {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilIdle() }
            group.addTask { try? await Task.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { $0.running }
    }

    /// Returns when no task runs, or when the waiting task is cancelled.
    private func waitUntilIdle() async {
        let id = state.withLock { s -> Int in
            s.closed = true
            defer { s.nextWaiter += 1 }
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.running == 0 || Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
