import Foundation
import NIOCore
import NIOPosix

/// A deliberately dumb WebSocket client over a raw TCP socket, for tests of hostile or broken
/// clients: it does exactly what it is told and nothing else. It never answers pings or close
/// frames, can send unmasked frames, invalid UTF-8 or arbitrary bytes, can stop half-way through
/// the HTTP headers, and reports when the server ends its side (EOF: after a WebSocket close the
/// server half-closes) and when it cuts the TCP connection for good.
final class RawWebSocket: Sendable {
    struct Frame: Sendable, CustomStringConvertible {
        var fin: Bool
        var opcode: UInt8
        var payload: [UInt8]

        static let text: UInt8 = 0x1, binary: UInt8 = 0x2, close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

        var text: String { String(decoding: payload, as: UTF8.self) }
        /// The status code of a close frame (nil for other frames or a close without a code).
        var closeCode: UInt16? {
            guard opcode == Self.close, payload.count >= 2 else { return nil }
            return UInt16(payload[0]) << 8 | UInt16(payload[1])
        }
        var description: String { closeCode.map { "close \($0)" } ?? "opcode \(opcode): \(text.prefix(200))" }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let received: ReceivedBytes
    private let reader: Task<Void, Never>
    /// The status line of the upgrade response (empty when `handshake` was false).
    let statusLine: String

    /// Opens a TCP connection to 127.0.0.1:`port`, optionally from another loopback address
    /// (`bindAddress: "127.0.0.2"`, for per-address limits), and unless `handshake` is false sends
    /// the upgrade request for `path` with `headers` and waits for the response head.
    static func connect(port: Int, path: String = "/v1/ws", headers: [String: String] = [:], bindAddress: String? = nil,
                        handshake: Bool = true, seconds: Double = 30) async throws -> RawWebSocket {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // The server's FIN must not close this side: a client that ignores the close keeps
            // writing, and only the server's full close (a reset on the next write) ends it.
            .channelOption(.allowRemoteHalfClosure, value: true)
        if let bindAddress { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: bindAddress, port: 0)) }
        let channel = try await bootstrap.connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        let received = ReceivedBytes()
        let reader = Task {
            do {
                try await channel.executeThenClose { inbound, _ in
                    do {
                        for try await chunk in inbound { await received.append(Array(chunk.readableBytesView)) }
                    } catch {
                        // A reset ends the input like an EOF.
                    }
                    await received.end()
                    try await channel.channel.closeFuture.get()
                }
            } catch {
                // The channel closed with an error: the server is gone either way.
            }
            await received.end()
            await received.gone()
        }
        guard handshake else { return RawWebSocket(channel: channel, received: received, reader: reader, statusLine: "") }
        try await channel.channel.writeAndFlush(ByteBuffer(bytes: upgradeRequest(host: "127.0.0.1:\(port)", path: path, headers: headers)))
        let raw = RawWebSocket(channel: channel, received: received, reader: reader, statusLine: "")
        let status = try await raw.readResponseHead(seconds: seconds).components(separatedBy: "\r\n").first ?? ""
        return RawWebSocket(channel: channel, received: received, reader: reader, statusLine: status)
    }

    /// A well-formed upgrade request head.
    static func upgradeRequest(host: String = "127.0.0.1", path: String = "/v1/ws", headers: [String: String] = [:]) -> [UInt8] {
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        return Array((request + "\r\n").utf8)
    }

    /// The next HTTP response head (for a request sent with `sendRawBytes`), blank line included.
    func readResponseHead(seconds: Double = 30) async throws -> String {
        let head = try await received.take(deadline: .now + .seconds(seconds)) { bytes in
            Self.find([13, 10, 13, 10], in: bytes).map { $0 + 4 }
        }
        return String(decoding: head, as: UTF8.self)
    }

    private init(channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, received: ReceivedBytes, reader: Task<Void, Never>, statusLine: String) {
        self.channel = channel
        self.received = received
        self.reader = reader
        self.statusLine = statusLine
    }

    var upgraded: Bool { statusLine.hasPrefix("HTTP/1.1 101") }

    func sendRawBytes(_ bytes: [UInt8]) async throws {
        try await channel.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// One frame; clients must mask (RFC 6455 §5.1), `masked: false` breaks that rule on purpose.
    func sendFrame(opcode: UInt8, payload: [UInt8], masked: Bool = true, fin: Bool = true) async throws {
        let key: [UInt8]? = masked ? (0..<4).map { _ in UInt8.random(in: 0...255) } : nil
        try await sendRawBytes(Self.encodeFrame(fin: fin, opcode: opcode, payload: payload, mask: key))
    }

    /// The bytes of one frame. `rsv` goes into the three reserved bits (0...7); `mask` nil sends
    /// it unmasked; `declaredLength` puts another length in the header than the payload has
    /// (longer, for a frame that never ends; huge, for one over every limit).
    static func encodeFrame(fin: Bool = true, rsv: UInt8 = 0, opcode: UInt8, payload: [UInt8], mask: [UInt8]?,
                            declaredLength: UInt64? = nil) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0x0F)]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        let length = declaredLength ?? UInt64(payload.count)
        switch length {
        case ..<126: bytes.append(maskBit | UInt8(length))
        case ..<65536: bytes += [maskBit | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        default: bytes.append(maskBit | 127); bytes += (0..<8).reversed().map { UInt8((length >> ($0 * 8)) & 0xFF) }
        }
        guard let mask else { return bytes + payload }
        return bytes + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    func sendText(_ text: String, masked: Bool = true) async throws {
        try await sendFrame(opcode: Frame.text, payload: Array(text.utf8), masked: masked)
    }

    /// A request frame: `{"id", "op", "data"}` with `data` given as JSON text.
    func sendRequest(id: String, op: String, data: String = "{}") async throws {
        try await sendText(#"{"id":"\#(id)","op":"\#(op)","data":\#(data)}"#)
    }

    /// The next frame from the server; throws when the connection ends or the deadline passes.
    func readFrame(seconds: Double = 30) async throws -> Frame {
        try await readFrame(deadline: .now + .seconds(seconds))
    }

    func readFrame(deadline: ContinuousClock.Instant) async throws -> Frame {
        let bytes = try await received.take(deadline: deadline) { Self.parseFrame($0)?.1 }
        guard let (frame, _) = Self.parseFrame(bytes) else { throw Failure(description: "unparsable frame") }
        return frame
    }

    /// Frames until one matches, skipping others (pings, events); throws on EOF or deadline.
    func readFrame(seconds: Double = 30, where predicate: (Frame) -> Bool) async throws -> Frame {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let frame = try await readFrame(deadline: deadline)
            if predicate(frame) { return frame }
        }
    }

    /// Waits until the server closes the TCP connection, discarding whatever arrives meanwhile.
    /// Returns how long it took, or throws when the deadline passes first.
    @discardableResult
    func waitForEOF(seconds: Double) async throws -> Duration {
        let start = ContinuousClock.now
        try await received.waitForEnd(deadline: start + .seconds(seconds))
        return ContinuousClock.now - start
    }

    /// Waits until the server has closed the TCP connection completely, as a client that ignores
    /// the close sees it: it keeps sending a ping every 100 ms (pacing, as such a client would) and
    /// the server's kernel answers the first one after the close with a reset. Returns how long
    /// it took, or throws when the deadline passes first.
    @discardableResult
    func waitForCut(seconds: Double) async throws -> Duration {
        let start = ContinuousClock.now
        let deadline = start + .seconds(seconds)
        while await !received.isGone {
            guard ContinuousClock.now < deadline else { throw Failure(description: "deadline passed; the server still holds the connection") }
            try? await sendFrame(opcode: Frame.ping, payload: [])
            try? await received.waitUntilGone(deadline: min(deadline, .now + .milliseconds(100)))
        }
        return ContinuousClock.now - start
    }

    /// Whether a failed write means the server had already cut the connection: the kernel's broken
    /// pipe or reset, or NIO noticing the closed channel first (which of them depends on timing).
    static func isCut(_ error: any Error) -> Bool {
        if let error = error as? IOError { return [EPIPE, ECONNRESET].contains(error.errnoCode) }
        if let error = error as? ChannelError { return error == .ioOnClosedChannel || error == .alreadyClosed || error == .eof }
        return false
    }

    /// Frames received before the connection ended (call after `waitForEOF`).
    func remainingFrames() async -> [Frame] {
        var bytes = await received.all()
        var frames: [Frame] = []
        while let (frame, used) = Self.parseFrame(bytes) {
            frames.append(frame)
            bytes.removeFirst(used)
        }
        return frames
    }

    /// Everything received and not yet taken, as text (for plain HTTP answers).
    func receivedText() async -> String { String(decoding: await received.all(), as: UTF8.self) }

    /// Everything received and not yet taken.
    func receivedBytes() async -> [UInt8] { await received.all() }

    /// Ends this side's output (a FIN, no close frame) and goes on reading.
    func shutdownOutput() async throws {
        try await channel.channel.close(mode: .output)
    }

    /// Resets the connection (SO_LINGER 0, then close: an RST, no FIN), as a crashed client or a
    /// dropped network path looks to the server: its channel ends at once, whatever it was doing.
    func reset() async {
        try? await (channel.channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        await close()
    }

    /// Closes the socket from this side.
    func close() async {
        try? await channel.channel.close()
        await reader.value
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for i in 0...(bytes.count - needle.count) where bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    /// A whole frame at the start of `bytes` (server frames are unmasked, but masked ones are
    /// decoded too), with the number of bytes it took.
    static func parseFrame(_ bytes: [UInt8]) -> (Frame, Int)? {
        guard bytes.count >= 2 else { return nil }
        var index = 2
        var length = Int(bytes[1] & 0x7F)
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            index = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = (2..<10).reduce(0) { $0 << 8 | Int(bytes[$1]) }
            index = 10
        }
        var key: [UInt8]?
        if bytes[1] & 0x80 != 0 {
            guard bytes.count >= index + 4 else { return nil }
            key = Array(bytes[index..<(index + 4)])
            index += 4
        }
        guard bytes.count >= index + length else { return nil }
        var payload = Array(bytes[index..<(index + length)])
        if let key { payload = payload.enumerated().map { $0.element ^ key[$0.offset % 4] } }
        return (Frame(fin: bytes[0] & 0x80 != 0, opcode: bytes[0] & 0x0F, payload: payload), index + length)
    }
}

/// Bytes read from the socket and not yet consumed, with one waiter at a time.
private actor ReceivedBytes {
    private var bytes: [UInt8] = []
    private var ended = false
    private(set) var isGone = false
    private var waiter: CheckedContinuation<Void, Never>?

    func append(_ chunk: [UInt8]) {
        bytes += chunk
        wake()
    }

    func end() {
        ended = true
        wake()
    }

    func gone() {
        isGone = true
        wake()
    }

    func all() -> [UInt8] { bytes }

    private func wake() {
        waiter?.resume()
        waiter = nil
    }

    /// Removes and returns the first `n` bytes once `complete` says a whole unit is there.
    func take(deadline: ContinuousClock.Instant, _ complete: @Sendable ([UInt8]) -> Int?) async throws -> [UInt8] {
        while true {
            if let n = complete(bytes) {
                defer { bytes.removeFirst(n) }
                return Array(bytes.prefix(n))
            }
            if ended { throw RawWebSocket.Failure(description: "connection ended (\(bytes.count) bytes left unparsed)") }
            try await waitForChange(deadline: deadline)
        }
    }

    func waitForEnd(deadline: ContinuousClock.Instant) async throws {
        while !ended { try await waitForChange(deadline: deadline) }
    }

    func waitUntilGone(deadline: ContinuousClock.Instant) async throws {
        while !isGone { try await waitForChange(deadline: deadline) }
    }

    private func waitForChange(deadline: ContinuousClock.Instant) async throws {
        guard ContinuousClock.now < deadline else { throw RawWebSocket.Failure(description: "deadline passed; the connection is still open") }
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline)
            await self?.wakeForDeadline()
        }
        defer { timer.cancel() }
        await withCheckedContinuation { waiter = $0 }
    }

    private func wakeForDeadline() { wake() }
}
