import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import SwarmProtocol
import WSClient

/// One WebSocket to swarmd: sends requests, matches replies by id, and streams everything else
/// (events, and error replies the server could not tie to a request) through `events`.
public final class SwarmConnection: Sendable {
    public struct Closed: Error, CustomStringConvertible {
        public var code: Int?
        public var reason: String?
        public init(code: Int?, reason: String?) {
            self.code = code
            self.reason = reason
        }
        public var description: String { "connection closed (\(code.map(String.init) ?? "no code"): \(reason ?? ""))" }
    }

    struct State {
        var pending: [String: CheckedContinuation<Reply, any Error>] = [:]
        var outbound: WebSocketOutboundWriter?
        var closed: Closed?
        var paused = false
        var resume: CheckedContinuation<Void, Never>?
        var hello: HelloReply?
    }

    public let events: AsyncStream<ServerFrame>
    /// Every text frame as received, before parsing (for load tools and transcript replay).
    public let rawFrames: AsyncStream<String>?
    let eventSink: AsyncStream<ServerFrame>.Continuation
    let rawSink: AsyncStream<String>.Continuation?
    let state = Mutex(State())
    let nextId = Atomic<Int>(1)
    let finished: Task<Closed, Never>
    let decodeEvents: Bool
    /// The server's answer to `hello` (nil for a raw connection that did not say it).
    public var hello: HelloReply? { state.withLock { $0.hello } }

    /// Connects; unless `hello` is nil, says hello and waits for the reply (throws `SwarmError`
    /// when refused). `headerToken` goes in the upgrade's `Authorization: Bearer` header.
    /// With `decodeEvents: false` (load tools reading `rawFrames`), event frames are not parsed
    /// and do not appear in `events`; replies still are.
    public static func connect(
        url: String, hello: HelloRequest?, headerToken: String? = nil, keepRaw: Bool = false,
        decodeEvents: Bool = true, logger: Logger = Logger(label: "swarm.client")
    ) async throws -> SwarmConnection {
        let (events, eventSink) = AsyncStream<ServerFrame>.makeStream()
        let (raw, rawSink) = keepRaw ? AsyncStream<String>.makeStream() : (nil, nil)
        let (ready, readySink) = AsyncStream<Result<WebSocketOutboundWriter, any Error>>.makeStream()
        let box = Mutex<SwarmConnection?>(nil)
        var headers = HTTPFields()
        if let headerToken { headers[.authorization] = "Bearer \(headerToken)" }
        let config = WebSocketClientConfiguration(maxFrameSize: 16 << 20, additionalHeaders: headers)
        let finished = Task<Closed, Never> {
            do {
                let frame = try await WebSocketClient.connect(url: url, configuration: config, logger: logger) { inbound, outbound, _ in
                    readySink.yield(.success(outbound))
                    readySink.finish()
                    var iterator = inbound.messages(maxSize: 64 << 20).makeAsyncIterator()
                    while true {
                        await box.withLock { $0 }?.waitWhilePaused()
                        guard let message = try await iterator.next() else { break }
                        guard case .text(let text) = message else { continue }
                        box.withLock { $0 }?.receive(text)
                    }
                }
                return Closed(code: frame.map { Self.number($0.closeCode) }, reason: frame?.reason)
            } catch {
                readySink.yield(.failure(error))
                readySink.finish()
                return Closed(code: nil, reason: "\(error)")
            }
        }
        var writer: WebSocketOutboundWriter?
        for await result in ready { writer = try result.get() }
        guard let writer else { throw Closed(code: nil, reason: "could not connect") }
        let conn = SwarmConnection(events: events, eventSink: eventSink, raw: raw, rawSink: rawSink, finished: finished, decodeEvents: decodeEvents)
        conn.state.withLock { $0.outbound = writer }
        box.withLock { $0 = conn }
        Task { conn.connectionEnded(await finished.value) }
        guard let hello else { return conn }
        let reply = try await conn.request(Op.hello.rawValue, hello, as: HelloReply.self)
        conn.state.withLock { $0.hello = reply }
        return conn
    }

    init(events: AsyncStream<ServerFrame>, eventSink: AsyncStream<ServerFrame>.Continuation, raw: AsyncStream<String>?,
         rawSink: AsyncStream<String>.Continuation?, finished: Task<Closed, Never>, decodeEvents: Bool) {
        self.decodeEvents = decodeEvents
        self.events = events
        self.eventSink = eventSink
        self.rawFrames = raw
        self.rawSink = rawSink
        self.finished = finished
    }

    /// Sends a request and waits for its reply; an `ok: false` reply throws its `SwarmError`.
    public func request<T: Encodable & Sendable>(_ op: String, _ data: T) async throws -> JSONValue {
        let frame = try await send(op, data)
        if frame.ok == true { return frame.data ?? .null }
        throw frame.error ?? SwarmError(.internal, "malformed reply")
    }

    /// The reply's data decoded straight from the frame as `R`: one typed pass over the text, not
    /// a `JSONValue` tree encoded and decoded again (three passes; a case brief's reply of 100
    /// entries took ~14 ms that way, ten times the server's work).
    public func request<T: Encodable & Sendable, R: Decodable>(_ op: String, _ data: T, as type: R.Type) async throws -> R {
        let reply = try await exchange(op, data)
        guard reply.head.ok == true else { throw reply.head.error ?? SwarmError(.internal, "malformed reply") }
        return try JSONDecoder().decode(ReplyData<R>.self, from: Data(reply.text.utf8)).data
    }

    /// Sends a request and returns the reply frame whatever its outcome.
    public func send<T: Encodable & Sendable>(_ op: String, _ data: T) async throws -> ServerFrame {
        let reply = try await exchange(op, data)
        return try ServerFrame(parsing: reply.text)
    }

    /// A reply as received: its head (id, outcome, error) read, its data not yet.
    struct Reply: Sendable {
        var head: ReplyHead
        var text: String
    }

    /// The fields of a frame but its data: reading them skips building the data's value.
    struct ReplyHead: Decodable, Sendable {
        var re: String?
        var ok: Bool?
        var error: SwarmError?
        var ev: String?
    }

    /// The data of a reply frame as `R`.
    struct ReplyData<R: Decodable>: Decodable {
        var data: R
    }

    /// Sends a request and waits for its reply frame's text.
    private func exchange<T: Encodable & Sendable>(_ op: String, _ data: T) async throws -> Reply {
        let id = "c-\(nextId.add(1, ordering: .relaxed).oldValue)"
        let text = String(decoding: try JSONEncoder().encode(RequestFrame(id: id, op: op, data: data)), as: UTF8.self)
        // A cancelled caller (a test past its time limit, a CLI timeout) stops waiting at once.
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { cont in
                let outcome = state.withLock { s -> Result<WebSocketOutboundWriter, any Error> in
                    if let closed = s.closed { return .failure(closed) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    s.pending[id] = cont
                    return .success(s.outbound!)
                }
                switch outcome {
                case .failure(let error): cont.resume(throwing: error)
                case .success(let writer):
                    Task {
                        do { try await writer.write(.text(text)) } catch { self.fail(id, error) }
                    }
                }
            }
        } onCancel: {
            fail(id, CancellationError())
        }
    }

    /// Sends any text frame as is (bad-input tests, transcript replay).
    public func sendRaw(_ text: String) async throws {
        guard let writer = state.withLock({ $0.outbound }) else { throw Closed(code: nil, reason: "not connected") }
        try await writer.write(.text(text))
    }

    public func sendBinary(_ bytes: [UInt8]) async throws {
        guard let writer = state.withLock({ $0.outbound }) else { throw Closed(code: nil, reason: "not connected") }
        try await writer.write(.binary(ByteBuffer(bytes: bytes)))
    }

    /// Stops reading from the socket (the server's queue for us then fills), until `resumeReading`.
    public func pauseReading() { state.withLock { $0.paused = true } }

    public func resumeReading() {
        let cont = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.paused = false
            defer { s.resume = nil }
            return s.resume
        }
        cont?.resume()
    }

    public func close() async {
        if let writer = state.withLock({ $0.outbound }) { try? await writer.close(.normalClosure, reason: "bye") }
        _ = await finished.value
    }

    /// How the connection ended (waits for it).
    public func closed() async -> Closed { await finished.value }

    func waitWhilePaused() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { s -> Bool in
                guard s.paused else { return false }
                s.resume = cont
                return true
            }
            if !wait { cont.resume() }
        }
    }

    func receive(_ text: String) {
        rawSink?.yield(text)
        if !decodeEvents, text.utf8.starts(with: #"{"ev""#.utf8) { return }
        let bytes = Data(text.utf8)
        // A reply someone waits for is handed over with its text: the waiter decodes its data
        // as the type it wants. Anything else is decoded whole for `events`.
        if let head = try? JSONDecoder().decode(ReplyHead.self, from: bytes), head.ev == nil, let re = head.re,
           let cont = state.withLock({ $0.pending.removeValue(forKey: re) }) {
            cont.resume(returning: Reply(head: head, text: text))
            return
        }
        guard let frame = try? ServerFrame(parsing: text) else { return }
        eventSink.yield(frame)
    }

    private func fail(_ id: String, _ error: any Error) {
        state.withLock { $0.pending.removeValue(forKey: id) }?.resume(throwing: error)
    }

    func connectionEnded(_ closed: Closed) {
        let pending = state.withLock { s -> [CheckedContinuation<Reply, any Error>] in
            if s.closed == nil { s.closed = closed }
            defer { s.pending = [:] }
            return Array(s.pending.values)
        }
        for cont in pending { cont.resume(throwing: closed) }
        eventSink.finish()
        rawSink?.finish()
    }

    static func number(_ code: WebSocketErrorCode) -> Int {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        return Int(buffer.readInteger(as: UInt16.self) ?? 0)
    }
}
