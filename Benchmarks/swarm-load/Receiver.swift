import Synchronization
import SwarmClient

/// The measuring window shared by senders and receivers.
final class Window: Sendable {
    /// Messages sent before this moment (warm-up) are delivered but not measured.
    private let from = Atomic<Int64>(.max)
    private let closing = Atomic<Bool>(false)
    let delivered = Counter()

    var measureFrom: Int64 { from.load(ordering: .relaxed) }
    func setMeasureFrom(_ nanos: Int64) { from.store(nanos, ordering: .relaxed) }

    /// Set before the tool closes its sockets, so receivers can tell our closes from the server's.
    var isClosing: Bool { closing.load(ordering: .relaxed) }
    func setClosing() { closing.store(true, ordering: .relaxed) }
}

struct ReceiverResult: Sendable {
    var latency = Histogram()
    var delivered = 0
    var lastDeliveryNanos: Int64 = 0
    /// How the server ended the connection, when it did so before the tool closed it.
    var endedEarly: String?
}

enum Receiver {
    /// Reads every raw frame of `conn` until it closes and records the end-to-end latency of each
    /// measured `message.new` posted by this tool.
    static func run(_ conn: SwarmConnection, window: Window) async -> ReceiverResult {
        var result = ReceiverResult()
        guard let frames = conn.rawFrames else { return result }
        for await text in frames {
            let now = LoadClock.nanos()
            guard let sent = Marker.sentNanos(in: text), sent >= window.measureFrom else { continue }
            result.latency.record((now - sent) / 1000)
            result.delivered += 1
            result.lastDeliveryNanos = now
            window.delivered.add()
        }
        if !window.isClosing { result.endedEarly = Tally.kind(of: await conn.closed()) }
        return result
    }
}
