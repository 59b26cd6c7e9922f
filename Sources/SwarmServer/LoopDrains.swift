import NIOCore
import Synchronization

/// The drains asked for on one event loop, run by one event-loop task: a post to N members costs
/// a handful of `execute`s, not N.
///
/// With a delivery tick (`server.delivery_tick_ms` above 0) held events wait until one hold after
/// the loop's last round began before they are written, and the first after a quiet spell goes at
/// once. The hold is the tick, or with a load factor K at most K times as long as that round took.
/// Why: one `write` per frame costs the kernel as much as the rest of a delivery (TCP on
/// loopback, `Benchmarks/write-floor`); a connection that receives several events within a tick
/// gets them in one write. Replies do not wait (`OutboundDrain.schedule`).
final class LoopDrains: Sendable {
    private struct Pending {
        var drains: [OutboundDrain] = []
        /// A round is queued to run at once: later drains join it.
        var scheduled = false
        /// A round is scheduled for then (held events).
        var heldUntil: NIODeadline?
        /// When the last round began.
        var lastRound = NIODeadline.uptimeNanoseconds(0)
        /// How long the last round's writes took (measured only with a load factor).
        var lastCost = TimeAmount.zero
    }

    private enum Next {
        case joined
        case now
        case at(NIODeadline)
    }

    private let loop: any EventLoop
    private let pending = Mutex(Pending())
    /// Held rounds only: 0 waits the whole tick; above 0 a round waits at most this many times as
    /// long as the last round took, and never longer than the tick (`server.delivery_tick_load_factor`).
    private let loadFactor: Int64

    fileprivate init(loop: any EventLoop, loadFactor: Int = 0) {
        self.loop = loop
        self.loadFactor = Int64(max(0, loadFactor))
    }

    /// Runs `drain` in the loop's next round, at once.
    func schedule(_ drain: OutboundDrain) {
        let first = pending.withLock { p -> Bool in
            p.drains.append(drain)
            defer { p.scheduled = true }
            return !p.scheduled
        }
        if first { loop.execute { self.runAll() } }
    }

    /// Runs `drain` in the round one hold (the tick, or less with a load factor) after the last
    /// one began, or at once if that is past.
    func schedule(_ drain: OutboundDrain, tick: TimeAmount) {
        let now = NIODeadline.now()
        let next = pending.withLock { p -> Next in
            p.drains.append(drain)
            if p.scheduled { return .joined }
            // With a load factor the wait follows the loop's own writing: a loop whose last round
            // was short (few sockets, or a quiet spell) holds events for little, one that spent
            // long writing holds them up to the tick, so the frames of a busy spell share writes.
            // Counted from the round's start: K = 1 holds nothing past the round itself. While a
            // round runs, its own cost is not known yet and the one before it counts.
            let hold = loadFactor > 0 ? .nanoseconds(min(tick.nanoseconds, p.lastCost.nanoseconds * loadFactor)) : tick
            let due = p.lastRound + hold
            if due <= now {
                p.scheduled = true
                return .now
            }
            // A held round is pending no later than `due`: join it. One pending later (the hold
            // shrank with a shorter round since) is replaced by an earlier one here; the later task
            // still fires and finds nothing (`runAll`). So no drain waits past its own `due`.
            if let held = p.heldUntil, held <= due { return .joined }
            p.heldUntil = due
            return .at(due)
        }
        switch next {
        case .joined: break
        case .now: loop.execute { self.runAll() }
        case .at(let due): loop.scheduleTask(deadline: due) { self.runAll() }
        }
    }

    private func runAll() {
        let start = NIODeadline.now()
        let drains = pending.withLock { p -> [OutboundDrain] in
            // A task left behind by an earlier one (see `schedule(_:tick:)`) finds nothing, and
            // must not count as a round: the next event would be held after it for no writes.
            // (Nothing queued means nothing is scheduled or held: both are set only with a drain.)
            guard !p.drains.isEmpty else { return [] }
            p.scheduled = false
            // A round scheduled earlier may still come; it finds nothing or what came since.
            p.heldUntil = nil
            p.lastRound = start
            defer { p.drains = [] }
            return p.drains
        }
        guard !drains.isEmpty else { return }
        for drain in drains { drain.run() }
        guard loadFactor > 0 else { return }
        let cost = NIODeadline.now() - start
        pending.withLock { $0.lastCost = cost }
    }

    private static let byLoop = PerEventLoop { LoopDrains(loop: $0) }

    /// One per event loop, for drains run at once (shared by every server in the process).
    static func of(_ loop: any EventLoop) -> LoopDrains { byLoop(loop) }
}

/// A server's delivery tick and its drains of held events, one `LoopDrains` per event loop: the
/// server's own, so that another server in the same process (tests) with no tick or another one
/// does not run them early or late. Nil (`init?`) without a tick.
final class HeldDrains: Sendable {
    let tick: TimeAmount
    private let byLoop: PerEventLoop<LoopDrains>

    init?(milliseconds: Int, loadFactor: Int = 0) {
        guard milliseconds > 0 else { return nil }
        tick = .milliseconds(Int64(milliseconds))
        byLoop = PerEventLoop { LoopDrains(loop: $0, loadFactor: loadFactor) }
    }

    func of(_ loop: any EventLoop) -> LoopDrains { byLoop(loop) }
}
