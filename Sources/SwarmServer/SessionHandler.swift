import Logging
import NIOCore
import NIOWebSocket
import SwarmCore
import SwarmProtocol

/// A WebSocket session as a channel handler: no task lives as long as the connection.
///
/// Why: with the WebSocket library every connection kept four tasks alive (the server's
/// connection task, the library's handler group and ping loop, the session's reader and writer),
/// about 40 KiB of task memory per idle connection. Here an idle connection is its channel, its
/// handlers and its queue; a task runs only while a request is handled or a replay is read.
///
/// Runs on the socket's event loop. What it does, in the order the client sent it:
/// - control frames: a ping is answered with a pong, a pong ends the ping timer's wait, a close
///   is answered (RFC 6455 §5.5.1) and the connection is closed;
/// - data frames are put together into messages (fragments, at most `maxMessageBytes`, text
///   valid UTF-8), and each message goes to `Session.admit` and, if it is a request, to
///   `Session.handle` in a task; the next item waits until that request's reply is queued, and
///   the socket is read meanwhile only until `readAhead` messages or `readAheadBytes` wait
///   (back-pressure, as a reader loop had);
/// - the ping timer sends a ping every `pingInterval` and closes with 1001 when the one before
///   got no pong, unless this side was not reading meanwhile (requests still being handled).
/// The outbound queue's replays run in a task (`Session.replay`), its close and its end here.
final class SessionHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Something the client sent, handled in order.
    private enum Item {
        case text(String)
        case binary
        case ping(WebSocketFrame)
        case close(WebSocketFrame)
        /// The client shut its side of the TCP connection (no close frame).
        case endOfInput
        /// The frames broke the protocol: close with this code.
        case fail(UInt16)
    }

    /// The close handshake (RFC 6455 §7).
    private enum CloseState {
        case open
        /// This side sent its close frame and waits for the client's.
        case closeSent
        /// Both close frames went (or the client's was answered): the TCP connection closes.
        case closed
    }

    let session: Session
    private let maxMessageBytes: Int
    private let pingInterval: TimeAmount?
    private let closeTimeout: TimeAmount
    private var context: ChannelHandlerContext?

    /// Small at first: most connections have one item at a time.
    private var items = CircularBuffer<Item>(initialCapacity: 2)
    /// A request (or a replay, for `turnBusy`) is being handled in a task.
    private var requestBusy = false
    private var turnBusy = false
    /// The reader is done (a close was asked for, the queue overflowed, the protocol broke):
    /// data is no longer handled, only the close handshake.
    private var readingEnded = false
    /// A `read` was held back while a request was handled.
    private var readHeld = false
    /// The bytes of the text messages waiting in `items`.
    private var queuedBytes = 0
    private var closeState = CloseState.open
    /// A message being put together from fragments.
    private var fragments: (binary: Bool, data: ByteBuffer)?
    private var pingTimer: RepeatedTask?
    private var pingPayload: ByteBuffer?
    private var closeTimer: Scheduled<Void>?
    private var ended = false
    /// `Session.start` ran (so `Session.ended` must run once).
    private var started = false
    /// The client can send nothing more: once this side's close frame is out, the socket closes.
    private var inputClosed = false
    /// The close code once the queue is written: 1000, or the protocol error that ended reading.
    private var closeCodeAtEnd = CloseCode.normal
    /// Before hello a connection has its own allowance; after it, the token's (`Session.admit`).
    private var bucket: TokenBucket

    init(session: Session, maxMessageBytes: Int, pingInterval: TimeAmount?, closeTimeout: TimeAmount) {
        self.session = session
        self.maxMessageBytes = maxMessageBytes
        self.pingInterval = pingInterval
        self.closeTimeout = closeTimeout
        bucket = session.newBucket()
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        session.conn.queue.onTurn { [loop = context.eventLoop] in
            loop.execute { loopBound.value.takeTurns() }
        }
        do {
            try session.start()
            started = true
        } catch {
            session.logger.error("session could not start", metadata: ["error": "\(error)"])
            context.close(promise: nil)
            return
        }
        if let pingInterval {
            pingTimer = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
                loopBound.value.pingTick()
            }
        }
        if !context.channel.isActive { end() }
    }

    /// A frame the decoder refused (or the socket failed).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        session.logger.info("connection read ended", metadata: ["reason": "\(error)"])
        readingEnded = true
        guard error is NIOWebSocketError else { return context.close(promise: nil) }
        // WebSocketProtocolErrorHandler wrote the close and closes once it is written; a client
        // that reads nothing keeps that from happening: the close timer cuts it.
        closeState = .closed
        startCloseTimer()
    }

    /// The server allows half-closed connections: a client's FIN comes as `inputClosed`, not as
    /// the end of the channel. It takes its turn behind what the client sent before it.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            enqueue(.endOfInput)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        end()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        end()
        self.context = nil
    }

    /// The connection is gone: stop the timers and leave the hub.
    private func end() {
        guard !ended else { return }
        ended = true
        readingEnded = true
        items.removeAll()
        pingTimer?.cancel()
        closeTimer?.cancel()
        // The queue's turn handler holds this handler: let go of it, or neither is ever freed.
        session.conn.queue.onTurn(nil)
        if started { session.ended() }
    }

    // MARK: reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .pong:
            // At once, not behind a request being handled: only the ping timer cares, and a slow
            // request must not make a live client miss its pong.
            guard frame.fin else { return enqueue(.fail(CloseCode.protocolError)) }
            if frame.unmaskedData == pingPayload { pingPayload = nil }
        case .ping, .connectionClose:
            // A control frame may come between the fragments of a message (RFC 6455 §5.4).
            guard frame.fin else { return enqueue(.fail(CloseCode.protocolError)) }
            enqueue(frame.opcode == .ping ? .ping(frame) : .close(frame))
        case .text, .binary:
            guard fragments == nil else { return failFrames(CloseCode.protocolError) }
            let data = frame.unmaskedData
            if frame.fin {
                enqueue(message(binary: frame.opcode == .binary, data))
            } else {
                fragments = (frame.opcode == .binary, data)
            }
        case .continuation:
            guard case (let binary, var data)? = fragments else { return failFrames(CloseCode.protocolError) }
            // Taken out first, so the buffer is not shared and grows in place (no copy per fragment).
            fragments = nil
            var more = frame.unmaskedData
            guard data.readableBytes + more.readableBytes <= maxMessageBytes else { return failFrames(CloseCode.tooBig) }
            data.writeBuffer(&more)
            if frame.fin {
                enqueue(message(binary: binary, data))
            } else {
                fragments = (binary, data)
            }
        default:
            failFrames(CloseCode.protocolError)
        }
    }

    private func message(binary: Bool, _ data: ByteBuffer) -> Item {
        if binary { return .binary }
        guard let text = String(validating: data.readableBytesView, as: UTF8.self) else {
            return .fail(CloseCode.invalidText)
        }
        return .text(text)
    }

    private func failFrames(_ code: UInt16) {
        fragments = nil
        enqueue(.fail(code))
    }

    private func enqueue(_ item: Item) {
        if case .text(let text) = item { queuedBytes += text.utf8.count }
        items.append(item)
        process()
    }

    /// Holds the socket's reads back once `readAhead` messages wait behind a request being
    /// handled, so a client that sends faster than its requests are answered fills its own
    /// socket, not the server's memory.
    func read(context: ChannelHandlerContext) {
        if requestBusy, !readingEnded, readAheadFull {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// Messages read ahead while a request is handled. Why not 0: holding a read takes the socket
    /// out of the loop's epoll set and letting it go puts it back, two `epoll_ctl` calls per
    /// request even for a client that sends one request at a time (~1 per post under
    /// `Benchmarks/acked-ab.sh`). What one read brings in still comes in whole, as before.
    static let readAhead = 8
    /// Bytes of messages read ahead: past this, reads are held too, so a client cannot park
    /// `readAhead` messages of up to `maxMessageBytes` each behind a slow request.
    static let readAheadBytes = 65_536

    private var readAheadFull: Bool { items.count >= Self.readAhead || queuedBytes >= Self.readAheadBytes }

    /// Handles what the client sent, in order, until a request needs a task.
    private func process() {
        while !requestBusy, !ended, let item = items.popFirst() {
            if case .text(let text) = item { queuedBytes -= text.utf8.count }
            switch item {
            case .ping(let frame):
                var payload = frame.unmaskedData
                guard payload.readableBytes < 126 else { fail(CloseCode.protocolError); continue }
                if case .open = closeState { send(WebSocketFrame(fin: true, opcode: .pong, data: payload.readSlice(length: payload.readableBytes)!)) }
            case .close(let frame):
                receivedClose(frame)
            case .endOfInput:
                inputClosed = true
                readingEnded ? closeIfDone() : stopReading(.clientClosed)
            case .fail(let code):
                fail(code)
            case .binary:
                guard !readingEnded else { continue }
                admit(nil)
            case .text(let text):
                guard !readingEnded else { continue }
                admit(text)
            }
        }
        if readHeld, !requestBusy || !readAheadFull, let context {
            readHeld = false
            context.read()
        }
    }

    private func admit(_ text: String?) {
        switch session.admit(text, bucket: &bucket) {
        case .request(let text): handleRequest(text)
        case .answered: break
        case .stop(let why): stopReading(why)
        }
    }

    private func handleRequest(_ text: String) {
        requestBusy = true
        let session = self.session
        let loopBound = NIOLoopBound(self, eventLoop: context!.eventLoop)
        let loop = context!.eventLoop
        let beforeHello = session.requestReadBeforeHello()
        let request = IncomingRequest(text)
        session.core.tasks.run(on: request.runsOnLoop ? session.executor : nil) {
            await session.handle(request)
            if beforeHello { session.helloChecked() }
            // No extra hop when the task ran on the loop (its executor).
            loop.runOnLoop {
                let handler = loopBound.value
                handler.requestBusy = false
                if session.conn.overflowed { handler.stopReading(.overflowed) }
                handler.process()
            }
        }
    }

    /// Nothing more the client sends is handled; what is queued goes out, then the close.
    private func stopReading(_ why: Session.Stop) {
        guard !readingEnded else { return }
        readingEnded = true
        if case .failed(let code) = why { closeCodeAtEnd = code }
        session.conn.finish()
    }

    /// The client broke the protocol: the close goes out after what is queued.
    private func fail(_ code: UInt16) {
        guard !readingEnded else { return }
        session.logger.info("websocket protocol error; closing", metadata: ["code": "\(code)"])
        stopReading(.failed(code))
    }

    private func receivedClose(_ frame: WebSocketFrame) {
        switch closeState {
        case .open:
            closeState = .closed
            stopReading(.clientClosed)
            // A client that stops reading may keep the answer from ever going out.
            startCloseTimer()
            send(CloseFrames.frame(CloseFrames.answer(to: frame.unmaskedData), reason: nil), thenClose: true)
        case .closeSent:
            closeState = .closed
            context?.close(promise: nil)
        case .closed:
            break
        }
    }

    // MARK: writing

    /// Writes a control frame; `thenClose` closes the connection once it is on the socket.
    private func send(_ frame: WebSocketFrame, thenClose: Bool = false) {
        guard let context else { return }
        guard thenClose else { return context.writeAndFlush(wrapOutboundOut(frame), promise: nil) }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    /// Sends this side's close frame and waits `closeTimeout` for the client's before cutting.
    private func sendClose(_ code: UInt16, reason: String?) {
        switch closeState {
        case .open:
            closeState = .closeSent
            // No close can come back from a client whose input ended: close once this one is out.
            startCloseTimer()
            send(CloseFrames.frame(code, reason: reason), thenClose: inputClosed)
        case .closeSent, .closed:
            // Closed once the answer to the client's close is out (or by the close timer).
            break
        }
    }

    /// After sending a close: the socket is cut if the handshake does not end in time.
    private func startCloseTimer() {
        // Not after the end: a close written at once may already have closed the channel.
        guard closeTimer == nil, !ended, let context else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        closeTimer = context.eventLoop.scheduleTask(in: closeTimeout) { loopBound.value.close(promise: nil) }
    }

    /// The client's input ended after reading had already stopped: once this side's close is
    /// out there is nothing left to wait for.
    private func closeIfDone() {
        if case .closeSent = closeState { context?.close(promise: nil) }
    }

    /// The outbound queue's turns that are not frames: a replay (in a task), the close, the end.
    private func takeTurns() {
        guard !turnBusy, !ended else { return }
        while let turn = session.conn.queue.takeTurn() {
            switch turn {
            case .item(.replay(let after, _, _)):
                turnBusy = true
                let session = self.session
                let loop = context!.eventLoop
                let loopBound = NIOLoopBound(self, eventLoop: loop)
                // On the shared pool, not the loop: a replay reads and frames pages of 500 events,
                // which would hold up every other socket of the loop meanwhile.
                session.core.tasks.run(on: nil) {
                    let through = await session.replay(after: after)
                    loop.execute {
                        let handler = loopBound.value
                        handler.turnBusy = false
                        if session.conn.queue.endTurn(replayedThrough: through) { session.conn.drain?.schedule() }
                        handler.takeTurns()
                    }
                }
                return
            case .item(.close(let code, let reason)):
                sendClose(code, reason: reason)
                return
            case .item(.frame):
                // Frames are the drain's; the queue offers only replays and closes.
                if session.conn.queue.endTurn(replayedThrough: 0) { session.conn.drain?.schedule() }
            case .end:
                if session.conn.overflowed {
                    sendClose(CloseCode.slowConsumer, reason: "slow consumer; resume with hello after")
                } else {
                    sendClose(closeCodeAtEnd, reason: nil)
                }
                return
            }
        }
    }

    // MARK: pings

    private func pingTick() {
        guard case .open = closeState, let context else { return }
        if pingPayload != nil {
            // This side may not be reading (a request is handled with as much read ahead behind
            // it as `readAheadFull` allows, or frames read earlier wait their turn): the pong may
            // sit unread in the socket behind them. A client that pipelines
            // on a slow server is not dead; it is judged once this side reads again.
            guard !requestBusy, items.isEmpty else { return }
            session.logger.info("no pong in time; closing")
            sendClose(CloseCode.goingAway, reason: "Ping timeout")
            context.close(promise: nil)
            return
        }
        var payload = context.channel.allocator.buffer(capacity: 16)
        for _ in 0..<16 { payload.writeInteger(UInt8.random(in: .min ... .max)) }
        pingPayload = payload
        send(WebSocketFrame(fin: true, opcode: .ping, data: payload))
    }
}
