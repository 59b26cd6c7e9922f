import NIOCore
import Synchronization

/// The drains a commit's fan-out asked for (`Hub.publish(_:deferring:)`), run on their loops
/// only once the committer resumed the batch's requests (`start()`), one loop task per loop.
///
/// Why: a post's own `message.new` is queued to its poster before the reply (events before the
/// reply), and the request resumes on the poster's loop. A round queued at once would write the
/// event alone, and the reply would take a write and a loop task of its own. Queued after the
/// requests' resumptions, the round finds both, and they share one write. These rounds are the
/// commit's own, not the loop's shared one (`LoopDrains`): that one may have been queued before
/// the resumptions, by another connection's reply. The cost: on each loop, the batch's deliveries
/// now wait for the rest of the batch's requests resumed there (each a short chat op: decoding is
/// done, what is left is encoding a reply), and what else is pushed to these connections meanwhile
/// waits as long.
final class DeferredRounds: Sendable {
    private struct Round {
        let loop: any EventLoop
        var drains: [OutboundDrain]
    }

    private struct State {
        var rounds: [Round] = []
        var started = false
    }

    private let state = Mutex(State())

    /// A drain for `loop`, run when the rounds start; only before `start()`.
    func add(_ drain: OutboundDrain, on loop: any EventLoop) {
        state.withLock { s in
            // Added later, it would never run, and its claimed queue would stall.
            assert(!s.started, "a drain added to rounds already started")
            // A handful of loops: a scan is cheaper than hashing.
            if let i = s.rounds.firstIndex(where: { $0.loop === loop }) {
                s.rounds[i].drains.append(drain)
            } else {
                s.rounds.append(Round(loop: loop, drains: [drain]))
            }
        }
    }

    /// Queues each loop's round; once. Every drain added must be run: it was claimed, so no one
    /// else asks for it until it ran.
    func start() {
        let rounds = state.withLock { s in
            s.started = true
            defer { s.rounds = [] }
            return s.rounds
        }
        for round in rounds {
            round.loop.execute { for drain in round.drains { drain.run() } }
        }
    }
}
