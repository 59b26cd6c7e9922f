import ServiceLifecycle
import SwarmStore

/// What tells this node that the shared event log may have grown, so it reads the tail and fans
/// out to its own sockets what other nodes (and `swarmd admin`) committed. A wake-up carries no
/// payload: the events always come from the log, read in seq order, so a lost or doubled wake-up
/// only delays or repeats a cheap read. Several may run side by side (a PostgreSQL LISTEN/NOTIFY
/// wake beside the poll, which stays as the fallback).
public protocol LogWakeup: Sendable {
    /// Calls `wake` whenever the log may have grown, until the task is cancelled.
    func run(wake: @escaping @Sendable () -> Void) async
}

/// Wakes every `interval` (`cluster.poll_ms`). On SQLite this is the only signal another process
/// gives; an idle poll is one `PRAGMA data_version` on the writer's connection (a read of the log,
/// `seq > last`, only when another connection committed), no write lock.
public struct PollWakeup: LogWakeup {
    public var interval: Duration

    public init(interval: Duration) {
        self.interval = interval
    }

    public func run(wake: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            wake()
            try? await Task.sleep(for: interval)
        }
    }
}

/// Runs the wake-ups for the life of the server, each poking the group committer, whose loop reads
/// the tail between write batches.
struct LogTailService: Service {
    let wakeups: [any LogWakeup]
    let committer: GroupCommitter

    func run() async throws {
        let committer = committer
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for wakeup in wakeups {
                    group.addTask { await wakeup.run(wake: { committer.poke() }) }
                }
            }
        }
    }
}
