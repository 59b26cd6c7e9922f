import Logging
import NIOCore

/// First handler of every connection, on the raw bytes, for what the HTTP and WebSocket layers
/// above do not enforce:
/// - the request head must be complete within `server.header_timeout_seconds` of accept, so a
///   client that never finishes its headers cannot hold a socket;
/// - after a WebSocket upgrade request, every client frame must be masked (RFC 6455 §5.1); an
///   unmasked one fails the connection with close code 1002 before it reaches the session;
/// - a connection the gate refused gets a 503 and is closed.
/// After a plain HTTP head it only passes bytes on (Hummingbird's idle timeout takes over).
final class RawInboundGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum Mode {
        case refused
        case head
        case frames
        case passThrough
        case failed
    }

    private var mode: Mode
    private let headerTimeout: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    /// The request head read so far (bounded; NIO's decoder refuses long heads anyway).
    private var head: [UInt8] = []
    private var frames = FrameScanner()

    static let maxHeadScan = 64 * 1024

    init(refused: Bool, headerTimeout: TimeAmount, logger: Logger) {
        mode = refused ? .refused : .head
        self.headerTimeout = headerTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if case .refused = mode {
            let response = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 5\r\n\r\n"
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(NIOAny(ByteBuffer(string: response))).whenComplete { _ in Self.drop(loopBound.value) }
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: headerTimeout) {
            let (handler, context) = loopBound.value
            guard case .head = handler.mode else { return }
            handler.logger.info("request head not finished in time; closing", metadata: ["address": "\(context.remoteAddress?.ipAddress ?? "-")"])
            ServerMetrics.connectionRefused("header_timeout")
            handler.mode = .failed
            Self.drop(context)
        }
    }

    /// Closes a connection whose request was never read. Announcing the end of input first lets
    /// the HTTP upgrade handler give up quietly instead of reporting a broken pipeline.
    static func drop(_ context: ChannelHandlerContext) {
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        switch mode {
        case .refused, .failed:
            return
        case .passThrough:
            context.fireChannelRead(data)
        case .head:
            let bytes = buffer.readableBytesView
            // Where the head ends, searched from just before this chunk (the blank line may span reads).
            let before = head.count
            let searchFrom = max(0, before - 3)
            head.append(contentsOf: bytes.prefix(Self.maxHeadScan - head.count))
            guard let end = Self.headEnd(head, from: searchFrom) else {
                if head.count >= Self.maxHeadScan {
                    // Too long to be a request head we would serve; the HTTP decoder refuses it.
                    finishHead(upgrade: false)
                }
                context.fireChannelRead(data)
                return
            }
            let upgrade = Self.isWebSocketUpgrade(head[..<end])
            finishHead(upgrade: upgrade)
            // Bytes of this chunk after the head are already WebSocket frames.
            let restStart = end - before
            guard upgrade, restStart < bytes.count else {
                context.fireChannelRead(data)
                return
            }
            forwardFrames(context: context, buffer: buffer, from: restStart)
        case .frames:
            forwardFrames(context: context, buffer: buffer, from: 0)
        }
    }

    private func finishHead(upgrade: Bool) {
        deadline?.cancel()
        deadline = nil
        head = []
        mode = upgrade ? .frames : .passThrough
    }

    /// Passes the buffer on up to the first unmasked frame starting at or after `from`; fails the
    /// connection there.
    private func forwardFrames(context: ChannelHandlerContext, buffer: ByteBuffer, from: Int) {
        let bytes = buffer.readableBytesView
        guard let bad = frames.scan(bytes.dropFirst(from)) else {
            context.fireChannelRead(wrapInboundOut(buffer))
            return
        }
        let goodLength = from + bad
        if goodLength > 0, let good = buffer.getSlice(at: buffer.readerIndex, length: goodLength) {
            context.fireChannelRead(wrapInboundOut(good))
        }
        mode = .failed
        logger.info("unmasked client frame; closing with 1002", metadata: ["address": "\(context.remoteAddress?.ipAddress ?? "-")"])
        ServerMetrics.connectionRefused("unmasked_frame")
        // Close frame with status 1002 (protocol error), written below the WebSocket encoder.
        let close = ByteBuffer(bytes: [0x88, 0x02, 0x03, 0xEA])
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(close)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    /// Index just past the blank line that ends an HTTP head, searching from `from`.
    static func headEnd(_ bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= 4, from <= bytes.count - 4 else { return nil }
        for i in from...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    /// Whether a request head asks for a WebSocket upgrade (`Upgrade: websocket`, any case).
    static func isWebSocketUpgrade(_ head: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: head, as: UTF8.self).lowercased()
        return text.split(separator: "\r\n").contains { line in
            line.hasPrefix("upgrade:") && line.dropFirst(8).contains("websocket")
        }
    }
}

/// Follows WebSocket frame boundaries in a byte stream without buffering payloads, to find a
/// frame whose mask bit is clear.
struct FrameScanner {
    private var header: [UInt8] = []
    private var payloadLeft = 0

    /// Offset in `bytes` of the start of the first unmasked frame, or nil (bytes may end
    /// mid-frame; the scan resumes with the next chunk). A frame whose header began in an
    /// earlier chunk is reported at offset 0.
    mutating func scan<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var offset = 0
        var frameStart = 0
        var index = bytes.startIndex
        while index != bytes.endIndex {
            if payloadLeft > 0 {
                let skip = min(payloadLeft, bytes.distance(from: index, to: bytes.endIndex))
                payloadLeft -= skip
                offset += skip
                index = bytes.index(index, offsetBy: skip)
                continue
            }
            if header.isEmpty { frameStart = offset }
            header.append(bytes[index])
            index = bytes.index(after: index)
            offset += 1
            guard header.count >= 2 else { continue }
            if header[1] & 0x80 == 0 { return frameStart }
            let short = Int(header[1] & 0x7F)
            let extra = short == 126 ? 2 : short == 127 ? 8 : 0
            guard header.count == 2 + extra + 4 else { continue }
            payloadLeft = extra == 0 ? short : header[2..<(2 + extra)].reduce(0) { ($0 << 8) | Int($1) }
            if payloadLeft < 0 { payloadLeft = Int.max }
            header = []
        }
        return nil
    }
}
