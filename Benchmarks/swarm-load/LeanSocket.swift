import NIOCore

/// A swarm connection on a bare NIO channel, for the tool's hot paths: the WebSocket upgrade,
/// `hello`, pings answered, then every text frame handed to the subclass (`received`) as bytes,
/// on the channel's event loop. No task, no `JSONDecoder`: the async client cost the tool more CPU
/// than the server spent (see `LeanFrames`). Subclasses: `LeanAckSender`, `LeanReceiver`.
class LeanSocket: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase { case upgrading, hello, live, ended }

    private let token: String
    private let request: String
    /// Fulfilled once `hello` was answered with ok.
    let ready: EventLoopPromise<Void>
    private(set) var phase = Phase.upgrading
    private(set) var context: ChannelHandlerContext?
    private var inbound = ByteBuffer()
    /// One mask per connection, where RFC 6455 asks for a fresh one per frame (against proxies
    /// that cache; there are none between this tool and the server it loads).
    private let mask = UInt32.random(in: 0...UInt32.max)
    private static let helloReply = Array(#""re":"h""#.utf8)
    static let okTrue = Array(#""ok":true"#.utf8)

    init(token: String, upgradeRequest: String, loop: EventLoop) {
        self.token = token
        request = upgradeRequest
        ready = loop.makePromise()
    }

    /// A text frame read after `hello` was answered.
    func received(_ frame: ByteBuffer) {}

    /// The connection ended: `error` nil when `end(nil)` was called, else what ended it. Called once.
    func ended(_ error: (any Error)?) {}

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Also where a channel that never became active (a failed connect) ends: NIO fires no
    /// `channelInactive` for it, and its promises must not be left unfulfilled.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        end(LeanFrames.ProtocolError("connection closed"))
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(10)) {
            if self.phase == .upgrading || self.phase == .hello { self.end(LeanFrames.ProtocolError("no answer to the upgrade or hello")) }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard phase != .ended else { return }
        var bytes = unwrapInboundIn(data)
        inbound.writeBuffer(&bytes)
        do {
            if phase == .upgrading {
                guard try LeanFrames.readUpgradeAnswer(&inbound) else { return }
                phase = .hello
                send(#"{"id":"h","op":"hello","data":{"token":"\#(token)","client":"swarm-load lean"}}"#)
            }
            while phase != .ended, let frame = try LeanFrames.next(&inbound) {
                try handle(frame, context: context)
            }
            inbound.discardReadBytes()
        } catch {
            end(error)
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
        case .text where phase == .live:
            received(frame.payload)
        case .text where phase == .hello:
            // Events before the reply (none today) are not the reply; key order is the server's.
            guard LeanFrames.offset(of: Self.helloReply, in: frame.payload) != nil else { return }
            guard LeanFrames.offset(of: Self.okTrue, in: frame.payload) != nil else {
                throw LeanFrames.ProtocolError("hello refused: " + String(buffer: frame.payload))
            }
            phase = .live
            ready.succeed()
        default:
            return
        }
    }

    /// Sends `text` as one masked text frame.
    func send(_ text: String) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: text.utf8.count + 14)
        LeanFrames.append(.text, text.utf8, mask: mask, to: &out)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }

    /// Ends the connection's part in the run (once); an error also closes the socket.
    func end(_ error: (any Error)?) {
        guard phase != .ended else { return }
        if phase != .live { ready.fail(error ?? LeanFrames.ProtocolError("ended before hello was answered")) }
        phase = .ended
        ended(error)
        if error != nil { context?.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { end(error) }

    func channelInactive(context: ChannelHandlerContext) {
        end(LeanFrames.ProtocolError("connection closed"))
        context.fireChannelInactive()
    }
}
