import NIOCore

/// An event loop as the task executor of its sessions' chat requests (`IncomingRequest.loopOps`).
///
/// Why: a request handled on the shared pool cost thread switches the loop then paid for: the
/// loop handed the request to a pool thread, the store's commit resumed it on another, and its
/// reply and the loop's next read went back through the loop's queue. Here the request starts on
/// the loop that read it, resumes there after the commit (in the same wake-up as the commit's
/// fan-out to that loop, when both arrive before it runs), and queues its reply where the
/// connection's drain runs. The store's reads and writes still run on their own threads; what a
/// request computes itself (decoding, encoding its reply) holds up the loop's other sockets
/// meanwhile, as the loop's own work does: so only small bounded ops run here. The rest (reports,
/// searches, history, hello) and replays, which frame pages of 500 events, stay on the shared
/// pool (with every op on the loops, a whole test run on two cores once read a hello past its
/// 3 s deadline; the loops' backlog of request work is the likeliest cause).
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    private init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    private static let byLoop = PerEventLoop { EventLoopTaskExecutor(loop: $0) }

    /// One per event loop.
    static func of(_ loop: any EventLoop) -> EventLoopTaskExecutor { byLoop(loop) }
}

extension EventLoop {
    /// Runs `body` now when called on this loop, else queues it there.
    func runOnLoop(_ body: @escaping @Sendable () -> Void) {
        if inEventLoop { body() } else { execute(body) }
    }
}
