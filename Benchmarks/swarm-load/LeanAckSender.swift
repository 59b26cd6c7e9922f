import NIOCore
import NIOPosix

/// One `--ack-only` sender on a bare NIO channel: upgrade, `hello`, then a closed loop of posts,
/// each sent from the event loop the moment the previous one's reply is read. No task, no
/// `JSONEncoder` or `JSONDecoder`: posts are built by interpolation and replies recognised by a
/// byte scan. Events (the sender's own `message.new`, `ready`) are framed and dropped unread.
/// Runs on its channel's event loop only.
final class LeanAckSender: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Plan {
        var url: String
        var token: String
        var channel: String
        var number: Int
        var bodyBytes: Int
        var failures: Tally
    }

    private enum Phase { case upgrading, hello, ready, posting, done }

    private let plan: Plan
    private let request: String
    /// Fulfilled once `hello` was answered with ok.
    let ready: EventLoopPromise<Void>
    /// Fulfilled with the posts' tally once the loop has passed `endNanos`.
    let finished: EventLoopPromise<SenderResult>
    private var phase = Phase.upgrading
    private var context: ChannelHandlerContext?
    private var inbound: ByteBuffer
    private let mask = UInt32.random(in: 0...UInt32.max)
    private var result = SenderResult()
    private var measureFrom: Int64 = 0
    private var endNanos: Int64 = 0
    private var sentAt: Int64 = 0
    private var number = 0
    /// `"re":"<id>"` of the request awaiting its reply.
    private var inFlight: [UInt8]?

    init(plan: Plan, upgradeRequest: String, loop: EventLoop) {
        self.plan = plan
        request = upgradeRequest
        ready = loop.makePromise()
        finished = loop.makePromise()
        inbound = ByteBuffer()
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: Self.handshakeTimeout) {
            if self.phase == .upgrading || self.phase == .hello { self.fail(LeanFrames.ProtocolError("no answer to the upgrade or hello")) }
        }
        context.fireChannelActive()
    }

    /// Starts posting at `startNanos` (the tool's `LoadClock`), until `endNanos`; posts sent
    /// before `measureFrom` are not counted.
    func start(atNanos startNanos: Int64, measureFrom: Int64, endNanos: Int64) {
        guard let context, phase == .ready else { return }
        self.measureFrom = measureFrom
        self.endNanos = endNanos
        phase = .posting
        // A server that stops answering must not hang the run.
        let deadline = endNanos - LoadClock.nanos() + Self.replyTimeout.nanoseconds
        context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .nanoseconds(deadline)) {
            self.fail(LeanFrames.ProtocolError("no reply within \(Self.replyTimeout) after the end"))
        }
        let delay = startNanos - LoadClock.nanos()
        if delay <= 0 { post() } else {
            context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .nanoseconds(delay)) { self.post() }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
        do {
            if phase == .upgrading {
                guard try LeanFrames.readUpgradeAnswer(&inbound) else { return }
                phase = .hello
                inFlight = Self.replyKey("h")
                send(#"{"id":"h","op":"hello","data":{"token":"\#(plan.token)","client":"swarm-load lean"}}"#)
            }
            while let frame = try LeanFrames.next(&inbound) {
                try handle(frame, context: context)
            }
            inbound.discardReadBytes()
        } catch {
            fail(error)
        }
    }

    private func handle(_ frame: LeanFrames.Frame, context: ChannelHandlerContext) throws {
        switch frame.opcode {
        case .ping:
            var out = context.channel.allocator.buffer(capacity: frame.payload.readableBytes + 8)
            LeanFrames.append(.pong, frame.payload.readableBytesView, mask: mask, to: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .close:
            throw LeanFrames.ProtocolError("closed by the server")
        case .text:
            // Only the answer to the request in flight matters; events (the sender's own
            // `message.new`, `ready`) are dropped. Key order is the server's, so this looks for the
            // reply's `"re":"<id>"` anywhere (the tool's bodies hold no quotes to be mistaken for it).
            guard let expected = inFlight, LeanFrames.offset(of: expected, in: frame.payload) != nil else { return }
            inFlight = nil
            let ok = LeanFrames.offset(of: Self.okTrue, in: frame.payload) != nil
            switch phase {
            case .hello:
                guard ok else { throw LeanFrames.ProtocolError("hello refused: " + String(buffer: frame.payload)) }
                phase = .ready
                ready.succeed()
            case .posting:
                replied(ok: ok, frame: frame.payload)
            default:
                return
            }
        default:
            return
        }
    }

    private func replied(ok: Bool, frame: ByteBuffer) {
        let now = LoadClock.nanos()
        let measured = sentAt >= measureFrom
        if ok {
            if measured, now <= endNanos {
                result.ack.record((now - sentAt) / 1000)
                result.acked += 1
                result.lastAckNanos = now
            }
        } else {
            plan.failures.add("message.post " + Self.errorCode(in: frame))
            if measured { result.failed += 1 }
        }
        if now < endNanos { post() } else { finish() }
    }

    private func post() {
        number += 1
        sentAt = LoadClock.nanos()
        if sentAt >= measureFrom { result.sent += 1 }
        let body = Marker.body(sentNanos: sentAt, sender: plan.number, number: number, bytes: plan.bodyBytes)
        inFlight = Self.replyKey("p\(number)")
        send(#"{"id":"p\#(number)","op":"message.post","data":{"channel":"\#(plan.channel)","body":"\#(body)"}}"#)
    }

    private func send(_ text: String) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: text.utf8.count + 14)
        LeanFrames.append(.text, text.utf8, mask: mask, to: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    private func finish() {
        phase = .done
        finished.succeed(result)
    }

    /// Before `hello` was answered the connection failed; after, the sender's posts so far count
    /// and the error goes to the tally.
    private func fail(_ error: Error) {
        switch phase {
        case .done:
            return
        case .upgrading, .hello:
            ready.fail(error)
            finished.fail(error)
        case .ready, .posting:
            plan.failures.add("message.post " + Tally.short("\(error)"))
            finished.succeed(result)
        }
        phase = .done
        context?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { fail(error) }

    func channelInactive(context: ChannelHandlerContext) {
        fail(LeanFrames.ProtocolError("connection closed"))
        context.fireChannelInactive()
    }

    private static let handshakeTimeout = TimeAmount.seconds(10)
    private static let replyTimeout = TimeAmount.seconds(30)
    private static func replyKey(_ id: String) -> [UInt8] { Array(#""re":"\#(id)""#.utf8) }
    private static let okTrue = Array(#""ok":true"#.utf8)

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
