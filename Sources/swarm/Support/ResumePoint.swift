import Foundation
import Synchronization

/// Where a following command (`swarm tail`) got to in the event log, so that however it stops —
/// Ctrl-C, `--count`, a lost connection — it can say `resume with --after N` and the next run
/// continues without losing or repeating events.
///
/// What was printed and the point must move together: a Ctrl-C between the two either repeats what
/// was printed (the point moved after it) or loses what was not (before it). So both happen under
/// the lock the interrupt's hint takes (`printing(through:_:)`): a hint waits for the lines in hand.
final class ResumePoint: Sendable {
    private let seq = Mutex<Int64?>(nil)
    /// The point as of the last finished step (-1: none; `--after` is 0 or more), readable without
    /// the lock: the hint of a Ctrl-C that cannot wait for a print stuck on a full pipe (a
    /// repeat, never a loss).
    private let settled = Atomic<Int64>(-1)

    func update(_ newest: Int64?) {
        seq.withLock { advance(&$0, to: newest) }
    }

    /// Prints (`body`) and moves the point to `newest` as one step for the hint.
    func printing(through newest: Int64?, _ body: () throws -> Void) rethrows {
        try seq.withLock { point in
            try body()
            advance(&point, to: newest)
        }
    }

    private func advance(_ point: inout Int64?, to newest: Int64?) {
        guard let newest else { return }
        point = max(point ?? newest, newest)
        settled.store(point ?? -1, ordering: .releasing)
    }

    var value: Int64? { seq.withLock { $0 } }

    /// The hint, on stderr so that stdout (maybe `--json`) stays clean.
    func printHint() {
        seq.withLock { Self.hint($0) }
    }

    private static func hint(_ point: Int64?) {
        if let point { Output.error("resume with --after \(point)") }
    }

    /// On Ctrl-C (SIGINT) or SIGTERM: print the hint and exit 130 or 143, as a shell reports
    /// a command stopped by those signals. Keep the returned sources alive while following.
    func exitOnInterrupt() -> [any DispatchSourceSignal] {
        [(SIGINT, Int32(130)), (SIGTERM, Int32(143))].map { sig, status in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                // Under the lock, so no line is printed between the hint and the exit. A print
                // holds it only while stdout takes the lines; one stuck on a reader that stopped
                // reading is not waited for past a second (a line it then gets out is a repeat).
                // `_exit`: the main thread may be in `exit` already (`--count` reached), and
                // nothing is buffered (`Output` writes to the descriptors).
                for _ in 0..<100 {
                    seq.withLockIfAvailable { point in
                        Self.hint(point)
                        _exit(status)
                    }
                    usleep(10_000)
                }
                let point = settled.load(ordering: .acquiring)
                Self.hint(point < 0 ? nil : point)
                _exit(status)
            }
            source.resume()
            return source
        }
    }
}
