import NIOCore
import Synchronization

/// A connection's bounded, ordered queue of outbound items and who writes them next.
///
/// Frames are written on the channel's event loop by `OutboundDrain`, without waking a task: the
/// push that finds the queue idle asks for one drain, later pushes only append, and the drain
/// takes everything queued at once (one flush per round). A replay or a close is the session's
/// (`SessionHandler`: a replay reads the store in a task, the close starts the handshake): when
/// one reaches the head, the drain stops and the turn handler is told (`onTurn`, `takeTurn`); the
/// session hands the turn back (`endTurn`) after a replay; after a close nothing more is written.
/// So every item goes out in queue order, by one writer at a time.
///
/// Back-pressure: when the socket stops being writable the drain pauses (`pause`) until the
/// channel is writable again (`resume`); frames pushed meanwhile stay here, and a push beyond the
/// bound is refused (`dropped`): the connection then closes as a slow consumer (4008).
final class OutboundQueue: Sendable {
    enum PushResult: Equatable {
        case enqueued
        /// Enqueued into an idle queue: the caller must start a drain (`OutboundDrain.schedule`).
        case drainNeeded
        /// Enqueued, not to be held, behind events whose drain waits for a delivery tick: the
        /// caller must have them written now (`OutboundDrain.expedite`). Once per such drain.
        case expediteNeeded
        case dropped
        case terminated
    }

    /// What the session is given when the drain stops at a replay or close, or at the end.
    enum Turn {
        /// A replay or a close, taken off the head; the session owns the output until `endTurn`.
        case item(Outbound)
        /// Finished: nothing more to write; the session closes.
        case end
    }

    private struct State {
        var items = CircularBuffer<Outbound>()
        /// A drain is scheduled or running: pushes need not ask for another.
        var draining = false
        /// That drain was asked for by a held event (it may wait for a delivery tick) and nothing
        /// has expedited it since: an item that must not wait asks for it to run now.
        var drainHeld = false
        /// The socket is not writable; the channel's writability change resumes the drain.
        var paused = false
        /// A replay or close is at the head, waiting for the session.
        var offered = false
        /// The session owns the output (it took a replay or a close).
        var busy = false
        var finished = false
        /// Overflowed: what is queued is dropped, the session closes with 4008.
        var discarding = false
        /// Events with a seq up to this were replayed; the drain skips them if they come live too.
        var replayedThrough: Int64 = 0
        /// `takeTurn` found nothing: the turn handler is called when there is.
        var turnWanted = true
        var turnHandler: (@Sendable () -> Void)?

        var turnReady: Bool {
            if offered { return true }
            guard finished, !busy else { return false }
            return discarding || paused || (items.isEmpty && !draining)
        }

        /// The turn handler to call, once, when a turn `takeTurn` did not find is ready.
        mutating func wake() -> (@Sendable () -> Void)? {
            guard turnReady, turnWanted, let turnHandler else { return nil }
            turnWanted = false
            return turnHandler
        }

        /// Whoever found the queue idle starts the drain.
        mutating func claimDrain() -> Bool {
            guard !draining, !paused, !offered, !busy, !items.isEmpty else { return false }
            draining = true
            drainHeld = false
            return true
        }
    }

    private let state = Mutex(State())
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// `held`: an event that may wait for its loop's delivery tick; anything else (replies, the
    /// close, small channels' events) gets what waits before it written now.
    func push(_ item: Outbound, held: Bool = false) -> PushResult {
        state.withLock { s in
            if s.finished { return .terminated }
            if s.items.count >= limit { return .dropped }
            s.items.append(item)
            if s.claimDrain() {
                s.drainHeld = held
                return .drainNeeded
            }
            guard !held, s.draining, s.drainHeld else { return .enqueued }
            s.drainHeld = false
            return .expediteNeeded
        }
    }

    /// No more pushes; what is queued is still written, then the session is given the end.
    func finish() {
        state.withLock { s in
            s.finished = true
            return s.wake()
        }?()
    }

    /// Overflowed: no more pushes, and what is queued is dropped.
    func abort() {
        state.withLock { s in
            s.finished = true
            s.discarding = true
            s.items.removeAll()
            return s.wake()
        }?()
    }

    // MARK: the drain (on the event loop)

    /// Moves the frames at the head into `batch` (which the caller has emptied) and returns the
    /// seq replayed through; nil when the drain ends: nothing queued, dropping, or a replay or
    /// close at the head (offered to the session), and at once when no drain was claimed.
    /// Swapping buffers keeps both allocations.
    func takeForDrain(into batch: inout CircularBuffer<Outbound>) -> Int64? {
        let (floor, turnHandler) = state.withLock { s -> (Int64?, (@Sendable () -> Void)?) in
            // A run that holds no claim (asked for twice, or early: `OutboundDrain.expedite`)
            // takes nothing: without the claim the session may own the output (a replay).
            guard s.draining else { return (nil, nil) }
            if s.discarding { s.items.removeAll() }
            let special = s.items.firstIndex { if case .frame = $0 { false } else { true } }
            if special == s.items.startIndex {
                s.offered = true
            } else if let special {
                let count = s.items.distance(from: s.items.startIndex, to: special)
                for _ in 0..<count { batch.append(s.items.removeFirst()) }
                return (s.replayedThrough, nil)
            } else if !s.items.isEmpty {
                swap(&s.items, &batch)
                return (s.replayedThrough, nil)
            }
            s.draining = false
            return (nil, s.wake())
        }
        turnHandler?()
        return floor
    }

    /// The socket is not writable: the drain stops until `resume`.
    func pause() {
        state.withLock { s in
            s.paused = true
            s.draining = false
            return s.wake()
        }?()
    }

    /// The socket is writable (or closed) again; true when the caller must drain now.
    func resume() -> Bool {
        state.withLock { s in
            s.paused = false
            return s.claimDrain()
        }
    }

    // MARK: the session's turns

    /// Sets what is called (on any thread, outside the lock) when a turn that `takeTurn` did not
    /// find is ready: the session's handler then takes it on its event loop.
    func onTurn(_ handler: (@Sendable () -> Void)?) {
        state.withLock { $0.turnHandler = handler }
    }

    /// A replay or close at the head, or the end; nil when neither is there yet (the turn
    /// handler is called when one is).
    func takeTurn() -> Turn? {
        state.withLock { s in
            let turn = Self.turn(&s)
            s.turnWanted = turn == nil
            return turn
        }
    }

    private static func turn(_ s: inout State) -> Turn? {
        if s.offered {
            s.offered = false
            s.busy = true
            return .item(s.items.removeFirst())
        }
        guard s.turnReady else { return nil }
        // Finished while the socket is not writable (the client reads nothing): the frames
        // before a close will not be read; the close still goes out.
        if s.paused, !s.discarding, let close = s.items.firstIndex(where: { if case .close = $0 { true } else { false } }) {
            let count = s.items.distance(from: s.items.startIndex, to: close)
            s.items.removeFirst(count)
            s.busy = true
            return .item(s.items.removeFirst())
        }
        return .end
    }

    /// The session has every event through `seq` already (its hello said so, and no replay runs):
    /// the drain skips those that still come live, as it does after a replay through them.
    func raiseFloor(_ seq: Int64) {
        state.withLock { $0.replayedThrough = max($0.replayedThrough, seq) }
    }

    /// The session is done with a replay through `replayedThrough`; true when the caller must start
    /// a drain for what queued up meanwhile.
    func endTurn(replayedThrough: Int64) -> Bool {
        state.withLock { s in
            s.busy = false
            s.replayedThrough = max(s.replayedThrough, replayedThrough)
            return s.claimDrain()
        }
    }
}
