import Logging
import NIOCore

/// First handler of every connection, on the raw bytes, for what the HTTP and WebSocket layers
/// above do not enforce:
/// - the HTTP decoder must have accepted a request head within `server.header_timeout_seconds`
///   of accept (`HeadWatcher` says when), so a client that never finishes its headers, or sends
///   one the decoder refuses, cannot hold a socket; a head over 64 KiB gets 431 and is closed;
/// - after a WebSocket upgrade request, every client frame must be masked (RFC 6455 §5.1) and
///   use neither reserved bits (no extension is negotiated) nor a reserved opcode; such a frame
///   fails the connection with close code 1002 before it reaches the WebSocket layer, which
///   would send its own 1002 but go on delivering the frames that follow;
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
    /// This handler's context while it is in the pipeline, for `refusedHead`.
    private var context: ChannelHandlerContext?
    /// Set once the HTTP decoder produced a request head: the header timeout is over.
    private var headAccepted = false
    /// The request head read so far, without the empty lines that may come before it.
    private var head: [UInt8] = []
    /// Bytes seen in head mode, and how many of them were empty lines before the request line.
    private var seen = 0
    private var skipped = 0
    private var frames = FrameScanner()

    /// Longest request head served (NIO's decoder would take 80 KiB, but the guard must see
    /// where a head ends to know where frames begin).
    static let maxHeadScan = 64 * 1024

    init(refused: Bool, headerTimeout: TimeAmount, logger: Logger) {
        mode = refused ? .refused : .head
        self.headerTimeout = headerTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if case .refused = mode {
            let response = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\nRetry-After: 5\r\n\r\n"
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(NIOAny(ByteBuffer(string: response))).whenComplete { _ in Self.drop(loopBound.value) }
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: headerTimeout) {
            let (handler, context) = loopBound.value
            guard !handler.headAccepted else { return }
            if case .failed = handler.mode { return }
            handler.logger.info("request head not accepted in time; closing", metadata: ["address": "\(context.remoteAddress?.ipAddress ?? "-")"])
            ServerMetrics.connectionRefused("header_timeout")
            handler.mode = .failed
            Self.drop(context)
        }
    }

    /// The HTTP decoder produced a request head (called by `HeadWatcher`, on the event loop).
    func acceptedHead() {
        headAccepted = true
        deadline?.cancel()
        deadline = nil
    }

    /// Closes a connection whose request was never read. Announcing the end of input first lets
    /// the HTTP upgrade handler give up quietly instead of reporting a broken pipeline.
    static func drop(_ context: ChannelHandlerContext) {
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        self.context = nil
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
            let chunkStart = seen
            seen += bytes.count
            var rest = bytes[...]
            if head.isEmpty {
                // Empty lines before the request line are allowed (RFC 9112 §2.2); they neither
                // end a head nor start one.
                let lead = rest.prefix { $0 == 13 || $0 == 10 }.count
                skipped += lead
                rest = rest.dropFirst(lead)
            }
            // Where the head ends, searched from just before this chunk (the blank line may span reads).
            let before = head.count
            let searchFrom = max(0, before - 3)
            head.append(contentsOf: rest.prefix(Self.maxHeadScan - head.count))
            guard let end = Self.headEnd(head, from: searchFrom) else {
                if head.count >= Self.maxHeadScan {
                    refuseLongHead(context: context)
                    return
                }
                context.fireChannelRead(data)
                return
            }
            let upgrade = Self.isWebSocketUpgrade(head[..<end])
            finishHead(upgrade: upgrade)
            // Bytes of this chunk after the head are already WebSocket frames.
            let restStart = skipped + end - chunkStart
            guard upgrade, restStart < bytes.count else {
                context.fireChannelRead(data)
                return
            }
            forwardFrames(context: context, buffer: buffer, from: restStart)
        case .frames:
            forwardFrames(context: context, buffer: buffer, from: 0)
        }
    }

    /// A head longer than any we serve: 431, and the connection is closed unread.
    private func refuseLongHead(context: ChannelHandlerContext) {
        refuse(context: context, status: "431 Request Header Fields Too Large", why: "head_too_long")
    }

    /// The HTTP decoder refused the request head (called by `HeadWatcher`, on the event loop):
    /// 400, and the connection is closed. Nothing when the connection is already being dropped
    /// (dropping a half-read head makes the decoder report it as refused).
    func refusedHead() {
        guard let context, !headAccepted else { return }
        switch mode {
        case .failed, .refused: return
        case .head, .frames, .passThrough: refuse(context: context, status: "400 Bad Request", why: "bad_head")
        }
    }

    private func refuse(context: ChannelHandlerContext, status: String, why: String) {
        mode = .failed
        deadline?.cancel()
        logger.info("request head refused; closing", metadata: ["address": "\(context.remoteAddress?.ipAddress ?? "-")", "why": "\(why)"])
        ServerMetrics.connectionRefused(why)
        let response = "HTTP/1.1 \(status)\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(NIOAny(ByteBuffer(string: response))).whenComplete { _ in Self.drop(loopBound.value) }
    }

    /// The guard has seen the blank line; the header timeout runs on until the decoder accepts
    /// the head (it may refuse it instead, and then nothing above closes the connection).
    private func finishHead(upgrade: Bool) {
        head = []
        mode = upgrade ? .frames : .passThrough
    }

    /// Passes the buffer on up to the first frame starting at or after `from` that breaks a
    /// rule; fails the connection there.
    private func forwardFrames(context: ChannelHandlerContext, buffer: ByteBuffer, from: Int) {
        let bytes = buffer.readableBytesView
        guard let bad = frames.scan(bytes.dropFirst(from)) else {
            context.fireChannelRead(wrapInboundOut(buffer))
            return
        }
        let goodLength = from + bad.offset
        if goodLength > 0, let good = buffer.getSlice(at: buffer.readerIndex, length: goodLength) {
            context.fireChannelRead(wrapInboundOut(good))
        }
        mode = .failed
        logger.info("client frame breaks RFC 6455; closing with 1002", metadata: ["address": "\(context.remoteAddress?.ipAddress ?? "-")", "rule": "\(bad.rule.rawValue)"])
        ServerMetrics.connectionRefused(bad.rule.rawValue)
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
/// frame that is unmasked, sets a reserved bit or uses a reserved opcode.
struct FrameScanner {
    enum Rule: String, Sendable {
        case unmasked = "unmasked_frame"
        case reservedBits = "reserved_bits"
        case reservedOpcode = "reserved_opcode"
    }

    /// Where the first bad frame starts, and which rule it breaks.
    struct Violation: Equatable, Sendable {
        var offset: Int
        var rule: Rule
    }

    private var header: [UInt8] = []
    private var payloadLeft = 0

    /// The first frame in `bytes` that breaks a rule, or nil (bytes may end mid-frame; the scan
    /// resumes with the next chunk). A frame whose header began in an earlier chunk is reported
    /// at offset 0.
    mutating func scan<C: Collection>(_ bytes: C) -> Violation? where C.Element == UInt8 {
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
            if header.count == 1, let rule = Self.check(firstByte: header[0]) { return Violation(offset: frameStart, rule: rule) }
            guard header.count >= 2 else { continue }
            if header[1] & 0x80 == 0 { return Violation(offset: frameStart, rule: .unmasked) }
            let short = Int(header[1] & 0x7F)
            let extra = short == 126 ? 2 : short == 127 ? 8 : 0
            guard header.count == 2 + extra + 4 else { continue }
            payloadLeft = extra == 0 ? short : header[2..<(2 + extra)].reduce(0) { ($0 << 8) | Int($1) }
            if payloadLeft < 0 { payloadLeft = Int.max }
            header = []
        }
        return nil
    }

    /// RSV1–3 must be clear (no extension is negotiated); opcodes 3–7 and 11–15 are reserved.
    static func check(firstByte: UInt8) -> Rule? {
        if firstByte & 0x70 != 0 { return .reservedBits }
        switch firstByte & 0x0F {
        case 0x0, 0x1, 0x2, 0x8, 0x9, 0xA: return nil
        default: return .reservedOpcode
        }
    }
}
