import NIOCore
import NIOPosix

/// A thread of the store's own, as the task executor a long-lived loop prefers: the group
/// committer's writer loop (SQLite) and the message search indexer each run on one.
///
/// Why: both loops spend their time in synchronous SQLite calls. GRDB runs a synchronous read or
/// write on the calling thread (after waiting for its queue to be free, or for a free reader:
/// each loop is its file's only writer, so it seldom waits). Run here, a loop hands nothing to GRDB's
/// dispatch queues and is not resumed on the shared pool after each call: two thread switches per
/// call fewer (`Benchmarks/thread-switches.sh`, 5 members, 20 posts/s: the committer took a post
/// from 17.6 to 11.3 switches, the indexer from 11.3 to 8.0). Blocking this thread is what it is
/// for; nothing else runs on it.
final class StoreThread: TaskExecutor {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let loop: any EventLoop

    init() {
        loop = group.next()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Whether the caller runs on this thread (the only place the blocking calls may run).
    var isCurrent: Bool { loop.inEventLoop }

    /// Runs `body` on this thread after `delay`, unless cancelled before it is due (one already
    /// due in the same tick may still run): a timer that costs no other thread a wake-up (a
    /// `Task.sleep` fires on the global executor's threads).
    func after(_ delay: Duration, _ body: @escaping @Sendable () -> Void) -> Scheduled<Void> {
        loop.scheduleTask(in: TimeAmount(delay), body)
    }

    /// Ends the thread once its loop has returned.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }

    /// Ends the thread of a store that failed to open (its loop never started); not on this thread.
    func shutdownNow() {
        try? group.syncShutdownGracefully()
    }
}
