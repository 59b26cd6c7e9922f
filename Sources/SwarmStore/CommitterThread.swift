import NIOCore
import NIOPosix

/// The group committer's own thread, as the task executor its writer loop prefers.
///
/// Why: on SQLite a batch is a synchronous transaction on GRDB's writer, run right here (GRDB
/// runs a synchronous write on the calling thread, after waiting for its writer queue to be
/// free; the committer is the server's only writer, so it seldom waits). The loop then
/// hands nothing to GRDB's queue and is not resumed on the shared pool after each batch: two
/// thread switches per batch fewer, which at low post rates were a large part of a post's CPU.
/// Blocking this thread is what it is for; nothing else runs on it.
final class CommitterThread: TaskExecutor {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let loop: any EventLoop

    init() {
        loop = group.next()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Whether the caller runs on this thread (the only place blocking writes may run).
    var isCurrent: Bool { loop.inEventLoop }

    /// Ends the thread once the writer loop has returned.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
