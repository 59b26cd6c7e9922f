import Foundation
import Logging
import NIOCore
import NIOWebSocket
import SwarmCore
import SwarmProtocol
import SwarmStore
import Synchronization

/// What one WebSocket does from upgrade to close: its requests (each handled in a task, in order,
/// fed by `SessionHandler`), its frames (drained on the event loop, `OutboundDrain`) and its
/// replays (a task per replay). Lifecycle: awaiting hello → live → closed.
struct Session {
    let core: ServerCore
    let conn: Connection
    let headerToken: String?
    /// Cuts the TCP connection, whatever state the WebSocket is in.
    let cut: @Sendable () -> Void
    /// Tells the connection gate that this connection no longer counts as unauthenticated.
    let onHello: @Sendable () -> Void
    /// Writes replay pages, many frames per flush.
    let frameWriter: FrameBatchWriter
    var logger: Logger

    /// The socket's event loop: the hello and close deadlines are timers on it, not a task each
    /// (a task per connection costs kilobytes of memory for as long as it waits).
    let loop: any EventLoop
    /// The loop as the executor of this session's chat requests (`IncomingRequest.loopOps`); the
    /// other requests and replays run on the shared pool.
    let executor: EventLoopTaskExecutor
    let timers = SessionTimers()

    init(core: ServerCore, headerToken: String?, channel: any NIOCore.Channel, onHello: @escaping @Sendable () -> Void) {
        self.core = core
        self.loop = channel.eventLoop
        self.executor = EventLoopTaskExecutor.of(channel.eventLoop)
        let watch = CloseFrameWatch()
        self.conn = Connection(id: core.newConnectionId(), queueLimit: core.config.outboundQueueFrames, live: core.liveObjects) {
            [writes = core.outboundWrites, live = core.liveObjects, held = core.heldDrains] queue in
            OutboundDrain(channel: channel, queue: queue, watch: watch, writes: writes, held: held, live: live)
        }
        self.frameWriter = FrameBatchWriter(channel: channel, watch: watch)
        self.headerToken = headerToken
        self.cut = { channel.close(promise: nil) }
        self.onHello = onHello
        var logger = core.logger
        logger[metadataKey: "conn"] = "\(conn.id)"
        self.logger = logger
    }

    /// On the event loop, when the session's handler joins the pipeline: the drain's handlers go
    /// in, the hub knows the connection, the hello deadline starts.
    func start() throws {
        try conn.drain?.startOnLoop()
        ServerMetrics.connections.increment()
        let conn = self.conn
        core.hub.attach(conn)
        // Shutdown's close frames may have gone out just before this socket attached.
        if core.stopping.load(ordering: .sequentiallyConsistent) {
            conn.close(code: CloseCode.goingAway, reason: "server shutting down")
        }
        let logger = self.logger
        let helloTimeout = loop.scheduleTask(in: .seconds(Int64(core.config.helloTimeoutSeconds))) { [timers] in
            let checking = timers.hello.withLock { deadline in
                if deadline.checking { deadline.passed = true }
                return deadline.checking
            }
            if !checking { Self.closeWithoutHello(conn, logger) }
        }
        timers.hello.withLock { $0.timer = helloTimeout }
        // Once a close is asked for, the client has close_timeout_seconds to finish the handshake
        // before the socket is cut (it may never read or answer).
        let closeTimeout = TimeAmount.seconds(Int64(core.config.closeTimeoutSeconds))
        let cut = self.cut
        conn.onClosing { [loop, timers] in
            let scheduled = loop.scheduleTask(in: closeTimeout) {
                logger.info("close handshake timed out; cutting the connection")
                ServerMetrics.closeTimeouts.increment()
                cut()
            }
            timers.close.withLock { $0 = scheduled }
        }
    }

    /// On the event loop, once the connection is gone.
    func ended() {
        conn.markGone()
        timers.hello.withLock { $0.timer?.cancel() }
        timers.close.withLock { $0?.cancel() }
        conn.finish()
        core.hub.unregister(conn)
        ServerMetrics.connections.decrement()
        logger.debug("connection closed")
    }

    // MARK: reading

    /// Why the session reads nothing more.
    enum Stop {
        /// A close was asked for (revoked, hello timeout, shutdown): it is queued.
        case closing
        /// The client read too slowly; the queue closes with 4008.
        case overflowed
        /// The client sent its close.
        case clientClosed
        /// The client broke the WebSocket protocol: close with this code.
        case failed(UInt16)
    }

    /// What becomes of a message the client sent.
    enum Admission {
        case request(String)
        /// Refused with an error reply; go on reading.
        case answered
        case stop(Stop)
    }

    /// A connection's own allowance, used until hello.
    func newBucket() -> TokenBucket {
        TokenBucket(rate: Double(core.config.opsPerSecond), burst: Double(core.config.opsBurst), now: Self.seconds())
    }

    /// The checks every message passes before it is handled; `text` is nil for a binary message.
    /// Before hello a connection has its own allowance (`bucket`); after it, the token's, shared
    /// with the token's other sockets and HTTP requests.
    func admit(_ text: String?, bucket: inout TokenBucket) -> Admission {
        ServerMetrics.framesIn.increment()
        // Every frame costs a token, garbage included, so a flood cannot buy server work.
        // Nothing more is read once a close was asked for (revoked, hello timeout, shutdown).
        if conn.isClosing { return .stop(.closing) }
        let now = Self.seconds()
        let allowed = if let key = conn.rateLimitKey { core.limiter.allow(key, now: now) } else { bucket.take(now: now) }
        guard allowed else {
            ServerMetrics.op(nil, ErrorCode.rateLimited.rawValue)
            let id = text.flatMap(Self.requestId)
            logger.notice("rate limited", metadata: ["req": "\(id.map { LogSafe.text($0) } ?? "-")"])
            conn.send(.text(Wire.error(id, SwarmError(.rateLimited, "more than \(core.config.opsPerSecond) requests per second for this token; slow down"))))
            return .answered
        }
        guard let text else {
            logger.info("binary frame refused")
            ServerMetrics.op(nil, ErrorCode.badRequest.rawValue)
            conn.send(.text(Wire.error(nil, .badRequest("binary frames are not supported; send JSON text"))))
            return .answered
        }
        guard text.utf8.count <= core.config.maxFrameBytes else {
            logger.info("frame too large", metadata: ["bytes": "\(text.utf8.count)"])
            ServerMetrics.op(nil, ErrorCode.tooLarge.rawValue)
            conn.send(.text(Wire.error(nil, SwarmError(.tooLarge, "frame is over \(core.config.maxFrameBytes) bytes"))))
            return .answered
        }
        return .request(text)
    }

    /// Monotonic seconds, for the rate limiter.
    static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The request id of a frame, when it is cheap to find, for a refusal that names it.
    static func requestId(_ text: String) -> String? {
        guard text.utf8.count <= 4096 else { return nil }
        return (try? JSONDecoder().decode(RequestEnvelope.self, from: Data(text.utf8)))?.id
    }

    func handle(_ request: IncomingRequest) async {
        guard let envelope = request.envelope else {
            logger.info("malformed frame")
            ServerMetrics.op(nil, ErrorCode.badRequest.rawValue)
            conn.send(.text(Wire.error(nil, .badRequest("a request is a JSON object with string fields id and op"))))
            return
        }
        let id = String(envelope.id.prefix(128))
        guard let op = Op(rawValue: envelope.op) else {
            logger.info("unknown op", metadata: ["op": "\(LogSafe.fingerprint(envelope.op))"])
            ServerMetrics.op(nil, ErrorCode.unsupported.rawValue)
            conn.send(.text(Wire.error(id, SwarmError(.unsupported, "unknown op"))))
            return
        }
        let result: String
        do {
            if op == .hello {
                try await hello(id: id, body: Data(request.text.utf8))
                ServerMetrics.op(op, "ok")
                return
            }
            guard let principal = conn.principal else { throw SwarmError(.unauthorized, "send hello first") }
            guard try await core.tokenStillLive(principal, conn) else {
                ServerMetrics.op(op, ErrorCode.unauthorized.rawValue)
                return   // closed with 4001; nothing more is read or answered
            }
            try Self.checkAccess(principal, op)
            guard let handler = Handlers.table[op] else { throw SwarmError(.unsupported, "op not available") }
            let ctx = RequestContext(core: core, conn: conn, principal: principal, id: id, text: request.text, post: request.post)
            conn.beginRequest()
            result = try await handler(ctx)
            ServerMetrics.op(op, "ok")
        } catch let error as SwarmError {
            logger.info("request refused", metadata: ["op": "\(op.rawValue)", "req": "\(LogSafe.text(id))", "code": "\(error.code.rawValue)", "why": "\(LogSafe.redact(error.message))"])
            ServerMetrics.op(op, error.code.rawValue)
            result = Wire.error(id, error)
        } catch let error as DecodingError {
            let why = Wire.describe(error)
            logger.info("bad request data", metadata: ["op": "\(op.rawValue)", "req": "\(LogSafe.text(id))", "why": "\(LogSafe.redact(why))"])
            ServerMetrics.op(op, ErrorCode.badRequest.rawValue)
            result = Wire.error(id, .badRequest(why))
        } catch let error where StorageHealth.isStorageFailure(error) {
            // A store path that bypassed the committer's mapping: still a storage failure, not a bug.
            logger.error("request failed: database unavailable", metadata: ["op": "\(op.rawValue)", "req": "\(LogSafe.text(id))", "error": "\(error)"])
            ServerMetrics.op(op, ErrorCode.unavailable.rawValue)
            result = Wire.error(id, StorageHealth.unavailable)
        } catch {
            logger.error("request failed", metadata: ["op": "\(op.rawValue)", "req": "\(LogSafe.text(id))", "error": "\(error)"])
            ServerMetrics.op(op, ErrorCode.internal.rawValue)
            result = Wire.error(id, SwarmError(.internal, "internal error"))
        }
        conn.send(.text(result))
        if let close = conn.endRequest() { conn.send(close) }
    }

    /// On the loop, as a request is read: before the session authenticated, the hello deadline
    /// waits for it. A hello read in time is answered however long its token check, or its wait
    /// for the loop to run its task, takes; the caller calls `helloChecked` once it is handled.
    /// Returns whether it did so.
    func requestReadBeforeHello() -> Bool {
        guard conn.principal == nil else { return false }
        timers.hello.withLock { $0.checking = true }
        return true
    }

    /// A request read before hello was handled: if the deadline passed meanwhile and no hello
    /// authenticated, the connection is closed as the deadline would have (after the reply).
    func helloChecked() {
        let passed = timers.hello.withLock { deadline in
            deadline.checking = false
            return deadline.passed
        }
        if passed { Self.closeWithoutHello(conn, logger) }
    }

    /// The hello deadline passed without an accepted hello: an error, then close 4002.
    private static func closeWithoutHello(_ conn: Connection, _ logger: Logger) {
        guard conn.principal == nil, !conn.isClosing else { return }
        logger.info("no hello in time")
        conn.send(.text(Wire.error(nil, SwarmError(.unauthorized, "no hello in time"))))
        conn.close(code: CloseCode.helloTimeout, reason: "hello timeout")
    }

    private func hello(id: String, body: Data) async throws {
        guard conn.principal == nil else { throw SwarmError.badRequest("hello was already accepted on this connection") }
        // Read before authenticating: a revoke committed after this moves the epoch, and the
        // token is checked again below.
        let epoch = core.hub.revocationEpoch
        let req = try JSONDecoder().decode(RequestData<HelloRequest>.self, from: body).data
        guard let token = req.token ?? headerToken, let start = try await core.store.authenticateSession(token: token) else {
            logger.warning("authentication failed")
            ServerMetrics.op(.hello, ErrorCode.unauthorized.rawValue)
            conn.send(.text(Wire.error(id, SwarmError(.unauthorized, "unknown or revoked token"))))
            conn.close(code: CloseCode.unauthorized, reason: "unauthorized")
            return
        }
        let (principal, user, head) = (start.principal, start.user, start.head)
        // The head was read before registering (with the token): anything committed later is either replayed or live.
        if let after = req.after {
            guard after >= 0 else { throw SwarmError.badRequest("after must be ≥ 0") }
            guard after <= head else { throw SwarmError.badRequest("after \(after) is ahead of the event log (head \(head))") }
            if after < start.prunedThrough {
                throw SwarmError(.resyncRequired, "events after \(after) are no longer retained; reload history and hello without after")
            }
        }
        guard conn.authenticate(principal, presence: req.presence ?? false, epoch: epoch) else {
            logger.info("hello after the connection started closing ignored")
            return
        }
        onHello()
        let reply = HelloReply(protocol: ProtocolInfo.version, server: ProtocolInfo.server, session: "S\(conn.id)", user: user, seq: head,
                               limits: Limits(maxFrameBytes: core.config.maxFrameBytes, historyMax: core.config.historyMax))
        guard core.hub.register(conn, user: principal.id, initial: [.text(Wire.reply(id, reply))], missed: (req.after ?? head, head)) else {
            logger.info("hello finished after the connection ended; not registered")
            return
        }
        logger.info("session started", metadata: ["user": "\(principal.name)", "client": "\(req.client.map { LogSafe.text($0, maxLength: 64) } ?? "-")", "after": "\(req.after.map(String.init) ?? "-")"])
        // A revoke that committed while this hello was authenticating found no registered
        // session to close; the epoch shows it.
        _ = try await core.tokenStillLive(principal, conn)
    }

    // MARK: writing

    /// A replay turn of the queue (`SessionHandler` hands it over): the visible events after
    /// `after`, a page per write, then `ready`, all on the socket before the turn ends so the
    /// drain that takes over writes after them; returns the seq replayed through.
    func replay(after: Int64) async -> Int64 {
        // Replay is queued only after hello authenticated the connection.
        guard let principal = conn.principal else { return after }
        var frames: [WebSocketFrame] = []
        do {
            let through = try await replay(after: after, principal, &frames)
            try await write(&frames)
            try await frameWriter.written()
            return through
        } catch {
            logger.debug("replay ended", metadata: ["reason": "\(error)"])
            return after
        }
    }

    /// Writes the visible events after `after` a page (one batch) at a time, then puts `ready`
    /// into `frames` for the caller's last batch; returns the seq replayed through.
    private func replay(after: Int64, _ principal: Principal, _ frames: inout [WebSocketFrame]) async throws -> Int64 {
        var cursor = after
        var count = 0
        while true {
            let page = try await core.store.visibleEvents(principal, after: cursor, limit: 500)
            for event in page.events {
                frames.append(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: event.frame)))
            }
            count += page.events.count
            cursor = page.through ?? cursor
            if !page.more { break }
            try await write(&frames)
        }
        frames.append(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: Wire.event(.ready, ReadyEvent(seq: max(cursor, after), replayed: count)))))
        logger.debug("replayed", metadata: ["after": "\(after)", "events": "\(count)"])
        return cursor
    }

    private func write(_ frames: inout [WebSocketFrame]) async throws {
        let count = frames.count
        guard count > 0 else { return }
        try await frameWriter.write(&frames)
        ServerMetrics.framesOut.increment(by: Int64(count))
        ServerMetrics.frameWrites.increment()
        core.outboundWrites.wrote(frames: count)
    }

    /// Token scopes and the role × op table for case ops; the per-case part (swarmed staff, bot
    /// channel patterns) is checked by the store.
    static func checkAccess(_ p: Principal, _ op: Op) throws {
        guard p.scope.allows(op: op.rawValue) else { throw SwarmError.forbidden("this token is not scoped for \(op.rawValue)") }
        guard CasePermissions.caseOps.contains(op) else { return }
        switch CasePermissions.access(p.role, op) {
        case .none: throw SwarmError.forbidden("\(p.role.rawValue) may not use \(op.rawValue)")
        case .scoped where p.scope.ops == nil: throw SwarmError.forbidden("bot tokens need a scope for \(op.rawValue)")
        case .any, .swarmed, .scoped: return
        }
    }
}

/// The hello and close deadlines' timers, cancelled when the session ends.
final class SessionTimers: Sendable {
    let hello = Mutex(HelloDeadline())
    let close = Mutex<Scheduled<Void>?>(nil)
}

/// The hello deadline: its timer, whether a hello is being checked (the deadline then waits for
/// it) and whether the deadline passed meanwhile.
struct HelloDeadline {
    var timer: Scheduled<Void>?
    var checking = false
    var passed = false
}
