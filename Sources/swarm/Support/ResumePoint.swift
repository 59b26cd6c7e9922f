import Foundation
import Synchronization

/// Where a following command (`swarm tail`) got to in the event log, so that however it stops —
/// Ctrl-C, `--count`, a lost connection — it can say `resume with --after N` and the next run
/// continues without losing or repeating events.
final class ResumePoint: Sendable {
    private let seq = Mutex<Int64?>(nil)

    func update(_ newest: Int64?) {
        guard let newest else { return }
        seq.withLock { $0 = max($0 ?? newest, newest) }
    }

    var value: Int64? { seq.withLock { $0 } }

    /// The hint, on stderr so that stdout (maybe `--json`) stays clean.
    func printHint() {
        if let value { Output.error("resume with --after \(value)") }
    }

    /// On Ctrl-C (SIGINT) or SIGTERM: print the hint and exit 130 or 143, as a shell reports
    /// a command stopped by those signals. Keep the returned sources alive while following.
    func exitOnInterrupt() -> [any DispatchSourceSignal] {
        [(SIGINT, Int32(130)), (SIGTERM, Int32(143))].map { sig, status in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                printHint()
                exit(status)
            }
            source.resume()
            return source
        }
    }
}
