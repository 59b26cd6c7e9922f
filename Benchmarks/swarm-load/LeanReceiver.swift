import NIOCore

/// A fan-out member on a `LeanSocket`: records the end-to-end latency of every measured
/// `message.new` this tool posted, found by `Marker`'s byte scan in the frame as it is read, on
/// the event loop (the async client's raw-frame stream cost the tool a core at 80,000
/// deliveries/s, and its queueing showed in the latencies it measured).
final class LeanReceiver: LeanSocket {
    private let window: Window
    /// Read on the channel's event loop once the run is over.
    private(set) var result = ReceiverResult()

    init(token: String, window: Window, upgradeRequest: String, loop: EventLoop) {
        self.window = window
        super.init(token: token, upgradeRequest: upgradeRequest, loop: loop)
    }

    override func received(_ frame: ByteBuffer) {
        let now = LoadClock.nanos()
        let sent = frame.withUnsafeReadableBytes { Marker.scan($0.assumingMemoryBound(to: UInt8.self)) }
        guard let sent, sent >= window.measureFrom else { return }
        result.latency.record((now - sent) / 1000)
        result.delivered += 1
        result.lastDeliveryNanos = now
        window.delivered.add()
    }

    override func ended(_ error: (any Error)?) {
        if let error, !window.isClosing { result.endedEarly = Tally.short("\(error)") }
    }
}
