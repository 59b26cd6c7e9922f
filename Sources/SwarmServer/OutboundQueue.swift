import NIOCore
import Synchronization

/// A connection's bounded queue of outbound items, drained in batches: the writer takes
/// everything queued at once, so a connection with a backlog gets one write task and one flush
/// (one `writev`) for all of it instead of one per frame. Fan-out keeps its cost per recipient:
/// one append under the queue's lock, and a wake-up only when the writer is waiting.
///
/// The bound counts what is queued and not yet taken, as the `AsyncStream` it replaces did
/// (`bufferingOldest`): a push beyond it is refused (`dropped`), and the connection then closes
/// as a slow consumer.
final class OutboundQueue: Sendable {
    enum PushResult { case enqueued, dropped, terminated }

    private struct State {
        var items = CircularBuffer<Outbound>()
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func push(_ item: Outbound) -> PushResult {
        let (result, waiter) = state.withLock { s -> (PushResult, CheckedContinuation<Void, Never>?) in
            if s.finished { return (.terminated, nil) }
            if s.items.count >= limit { return (.dropped, nil) }
            s.items.append(item)
            defer { s.waiter = nil }
            return (.enqueued, s.waiter)
        }
        waiter?.resume()
        return result
    }

    /// No more pushes; the writer still takes what is queued, then sees the end.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Moves everything queued into `batch` (which the caller has emptied), waiting until there
    /// is something. False once the queue is finished and empty. Cancelling the waiting task
    /// finishes the queue, as cancelling an `AsyncStream`'s iteration terminates the stream.
    /// Swapping the buffers keeps both allocations: no allocation per batch once they have grown.
    func take(into batch: inout CircularBuffer<Outbound>) async -> Bool {
        while true {
            let taken: Bool? = state.withLock { s in
                if !s.items.isEmpty {
                    swap(&s.items, &batch)
                    return true
                }
                return s.finished ? false : nil
            }
            if let taken { return taken }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { s -> Bool in
                        if !s.items.isEmpty || s.finished { return true }
                        s.waiter = c
                        return false
                    }
                    if ready { c.resume() }
                }
            } onCancel: {
                finish()
            }
        }
    }
}
