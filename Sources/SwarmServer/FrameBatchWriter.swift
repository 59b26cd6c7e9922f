import NIOCore
import NIOWebSocket
import Synchronization

/// Writes batches of WebSocket frames to a connection's channel, each in one event-loop task
/// with one flush: one `writev` per batch. A replay's task writes its pages with it; everything
/// else goes out through `OutboundDrain` or `SessionHandler` (control frames), never at the same
/// time as a replay (`OutboundQueue`). The frames enter the pipeline at its tail and pass the
/// frame encoder; the server negotiates no extensions and does not mask. A batch that reaches the
/// loop after a close frame (`CloseFrameWatch`) is dropped.
///
/// Back-pressure: a batch is handed over without waiting, but the next one first waits until
/// the one before is on the socket. So an idle connection's frame costs no extra wake-up, a
/// busy connection's frames gather in its queue while the batch before is written (the next
/// batch is larger), and a client that stops reading stops the writer here: its queue fills and
/// it is closed with 4008, as before.
final class FrameBatchWriter: Sendable {
    private let channel: any Channel
    private let watch: CloseFrameWatch
    /// Batches handed to the loop, and batches the loop finished (written or failed).
    private let handed = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// Set on the loop when a batch failed: the channel is closed, nothing more can be written.
    private let failed = Atomic<Bool>(false)
    private let previous = Mutex<EventLoopFuture<Void>?>(nil)

    init(channel: any Channel, watch: CloseFrameWatch) {
        self.channel = channel
        self.watch = watch
    }

    /// Waits until the last batch handed over is on the socket (or failed). The drain that takes
    /// over after a replay runs in an event-loop task (its loop's `LoopDrains`, or its own with a
    /// delivery tick), which may have been queued on the loop before this batch: without the wait
    /// it could write first.
    func written() async throws {
        if let last = previous.withLock({ $0 }) { try await last.get() }
    }

    /// Hands `frames` to the loop to be written in order, and empties it; throws when a batch
    /// before failed (the connection is gone).
    func write(_ frames: inout [WebSocketFrame]) async throws {
        guard !frames.isEmpty else { return }
        if failed.load(ordering: .relaxed) { throw ChannelError.ioOnClosedChannel }
        if finished.load(ordering: .acquiring) < handed.load(ordering: .relaxed), let before = previous.withLock({ $0 }) {
            try await before.get()
        }
        let batch = frames
        frames = []
        let loop = channel.eventLoop
        let done = loop.makePromise(of: Void.self)
        previous.withLock { $0 = done.futureResult }
        let number = handed.add(1, ordering: .relaxed).newValue
        loop.execute { [self] in
            done.futureResult.whenComplete { result in
                if case .failure = result { self.failed.store(true, ordering: .relaxed) }
                self.finished.store(number, ordering: .releasing)
            }
            guard !watch.closeSent else { return done.fail(ChannelError.outputClosed) }
            let pipeline = channel.pipeline.syncOperations
            let last = batch.count - 1
            for (i, frame) in batch.enumerated() {
                pipeline.write(NIOAny(frame), promise: i == last ? done : nil)
            }
            pipeline.flush()
        }
    }
}
