import NIOCore
import Synchronization

/// An event loop as the task executor of its sessions' request and replay tasks.
///
/// Why: a request handled on the shared pool cost thread switches the loop then paid for: the
/// loop handed the request to a pool thread, the store's commit resumed it on another, and its
/// reply and the loop's next read went back through the loop's queue. Here the request starts on
/// the loop that read it, resumes there after the commit (in the same wake-up as the commit's
/// fan-out to that loop, when both arrive before it runs), and queues its reply where the
/// connection's drain runs. The store's reads and writes still run on their own threads.
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    private init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    private static let byLoop = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])

    /// One per event loop, for the server's life (the loops are few and live as long).
    static func of(_ loop: any EventLoop) -> EventLoopTaskExecutor {
        byLoop.withLock { all in
            if let executor = all[ObjectIdentifier(loop)] { return executor }
            let executor = EventLoopTaskExecutor(loop: loop)
            all[ObjectIdentifier(loop)] = executor
            return executor
        }
    }
}
