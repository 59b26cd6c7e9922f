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
/// the resumptions, by another connection's reply. What else is pushed to these connections
/// meanwhile waits only as long as the resuming takes.
final class DeferredRounds: Sendable {
    private struct Round {
        let loop: any EventLoop
        var drains: [OutboundDrain]
    }

    private let rounds = Mutex<[Round]>([])

    /// A drain for `loop`, run when the rounds start.
    func add(_ drain: OutboundDrain, on loop: any EventLoop) {
        rounds.withLock { rounds in
            // A handful of loops: a scan is cheaper than hashing.
            if let i = rounds.firstIndex(where: { $0.loop === loop }) {
                rounds[i].drains.append(drain)
            } else {
                rounds.append(Round(loop: loop, drains: [drain]))
            }
        }
    }

    /// Queues each loop's round. Every drain added must be run: it was claimed, so no one else
    /// asks for it until it ran.
    func start() {
        for round in rounds.withLock({ r in defer { r = [] }; return r }) {
            round.loop.execute { for drain in round.drains { drain.run() } }
        }
    }
}
