import NIOCore

/// One `--ack-only` sender on a `LeanSocket`: a closed loop of posts, each sent from the event
/// loop the moment the previous one's reply is read. Posts are built by interpolation and replies
/// recognised by a byte scan; events (the sender's own `message.new`) are dropped unread.
final class LeanAckSender: LeanSocket {
    struct Plan {
        var token: String
        var channel: String
        var number: Int
        var bodyBytes: Int
        var failures: Tally
    }

    private let plan: Plan
    /// Fulfilled with the posts' tally once the loop has passed `endNanos` or the connection ended.
    let finished: EventLoopPromise<SenderResult>
    private var posting = false
    private var result = SenderResult()
    private var measureFrom: Int64 = 0
    private var endNanos: Int64 = 0
    private var sentAt: Int64 = 0
    private var number = 0
    /// `"re":"<id>"` of the post awaiting its reply.
    private var inFlight: [UInt8]?

    init(plan: Plan, upgradeRequest: String, loop: EventLoop) {
        self.plan = plan
        finished = loop.makePromise()
        super.init(token: plan.token, upgradeRequest: upgradeRequest, loop: loop)
    }

    /// Starts posting at `startNanos` (the tool's `LoadClock`), until `endNanos`; posts sent
    /// before `measureFrom` are not counted.
    func start(atNanos startNanos: Int64, measureFrom: Int64, endNanos: Int64) {
        guard let context, phase == .live, !posting else { return }
        self.measureFrom = measureFrom
        self.endNanos = endNanos
        posting = true
        let loop = context.eventLoop.assumeIsolated()
        // A server that stops answering must not hang the run.
        loop.scheduleTask(in: .nanoseconds(endNanos - LoadClock.nanos()) + Self.replyTimeout) {
            self.end(LeanFrames.ProtocolError("no reply within \(Self.replyTimeout) after the end"))
        }
        let delay = startNanos - LoadClock.nanos()
        if delay <= 0 { post() } else { loop.scheduleTask(in: .nanoseconds(delay)) { self.post() } }
    }

    override func received(_ frame: ByteBuffer) {
        // Key order is the server's, so the reply's `"re":"<id>"` is looked for anywhere (the
        // tool's bodies hold no quotes to be mistaken for it).
        guard let expected = inFlight, LeanFrames.offset(of: expected, in: frame) != nil else { return }
        inFlight = nil
        let now = LoadClock.nanos()
        let measured = sentAt >= measureFrom
        if LeanFrames.offset(of: Self.okTrue, in: frame) != nil {
            if measured, now <= endNanos {
                result.ack.record((now - sentAt) / 1000)
                result.acked += 1
                result.lastAckNanos = now
            }
        } else {
            plan.failures.add("message.post " + Self.errorCode(in: frame))
            if measured { result.failed += 1 }
        }
        if now < endNanos { post() } else { end(nil) }
    }

    /// The posts so far count; an error goes to the tally.
    override func ended(_ error: (any Error)?) {
        if let error, posting {
            plan.failures.add("message.post " + Tally.short("\(error)"))
            // The post awaiting its reply failed with the connection (as `ClosedLoopSender` counts it).
            if inFlight != nil, sentAt >= measureFrom { result.failed += 1 }
        }
        if posting || error == nil { finished.succeed(result) } else { finished.fail(error!) }
    }

    private func post() {
        guard phase == .live else { return }
        number += 1
        sentAt = LoadClock.nanos()
        if sentAt >= measureFrom { result.sent += 1 }
        let body = Marker.body(sentNanos: sentAt, sender: plan.number, number: number, bytes: plan.bodyBytes)
        inFlight = Array(#""re":"p\#(number)""#.utf8)
        send(#"{"id":"p\#(number)","op":"message.post","data":{"channel":"\#(plan.channel)","body":"\#(body)"}}"#)
    }

    private static let replyTimeout = TimeAmount.seconds(30)

    /// The error code of a refused reply (`"code":"…"`), for the tally.
    private static func errorCode(in frame: ByteBuffer) -> String {
        let key = Array(#""code":""#.utf8)
        guard let at = LeanFrames.offset(of: key, in: frame) else { return "malformed reply" }
        var rest = frame
        rest.moveReaderIndex(forwardBy: at + key.count)
        let end = LeanFrames.offset(of: [UInt8(ascii: "\"")], in: rest) ?? rest.readableBytes
        return rest.readString(length: end) ?? "malformed reply"
    }
}
