import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SwarmCore
import SwarmProtocol
import SwarmStore
import Synchronization

/// One WebSocket from upgrade to close: a reader loop that handles requests in order, the
/// connection's drain on the event loop for its frames, and a writer task for replays and the close. Lifecycle: awaiting hello → live → closed.
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

    init(core: ServerCore, headerToken: String?, channel: any NIOCore.Channel, onHello: @escaping @Sendable () -> Void) {
        self.core = core
        self.loop = channel.eventLoop
        let watch = CloseFrameWatch()
        self.conn = Connection(id: core.newConnectionId(), queueLimit: core.config.outboundQueueFrames) { [writes = core.outboundWrites] queue in
            OutboundDrain(channel: channel, queue: queue, watch: watch, writes: writes)
        }
        self.frameWriter = FrameBatchWriter(channel: channel, watch: watch)
        self.headerToken = headerToken
        self.cut = { channel.close(promise: nil) }
        self.onHello = onHello
        var logger = core.logger
        logger[metadataKey: "conn"] = "\(conn.id)"
        self.logger = logger
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await conn.drain?.start()
        ServerMetrics.connections.increment()
        let conn = self.conn
        core.hub.attach(conn)
        // Shutdown's close frames may have gone out just before this socket attached.
        if core.stopping.load(ordering: .sequentiallyConsistent) {
            conn.close(code: CloseCode.goingAway, reason: "server shutting down")
        }
        let logger = self.logger
        let helloTimeout = loop.scheduleTask(in: .seconds(Int64(core.config.helloTimeoutSeconds))) {
            if conn.principal == nil, !conn.isClosing {
                logger.info("no hello in time")
                conn.send(.text(Wire.error(nil, SwarmError(.unauthorized, "no hello in time"))))
                conn.close(code: CloseCode.helloTimeout, reason: "hello timeout")
            }
        }
        // Once a close is asked for, the client has close_timeout_seconds to finish the handshake
        // before the socket is cut (it may never read or answer). Cutting ends the reader (its
        // inbound stream ends) and the writer (its writes fail), so nothing else is cancelled.
        let closeDeadline = DeadlineBox()
        let closeTimeout = TimeAmount.seconds(Int64(core.config.closeTimeoutSeconds))
        let cut = self.cut
        conn.onClosing { [loop] in
            let scheduled = loop.scheduleTask(in: closeTimeout) {
                logger.info("close handshake timed out; cutting the connection")
                ServerMetrics.closeTimeouts.increment()
                cut()
            }
            closeDeadline.timer.withLock { $0 = scheduled }
        }
        var readError: (any Error)?
        // Two loops: the writer in a child task, the reader in this one.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await writeLoop(outbound) }
            do { try await readLoop(inbound) } catch { readError = error }
            conn.finish()   // the writer sends what is queued, then ends
            await group.waitForAll()
        }
        helloTimeout.cancel()
        closeDeadline.timer.withLock { $0?.cancel() }
        core.hub.unregister(conn)
        ServerMetrics.connections.decrement()
        logger.debug("connection closed")
        // Rethrown so the WebSocket layer closes with the matching code (1009 for too big).
        if let readError, !(readError is CancellationError) {
            logger.info("connection read ended", metadata: ["reason": "\(readError)"])
            throw readError
        }
    }

    // MARK: reading

    private func readLoop(_ inbound: WebSocketInboundStream) async throws {
        // Before hello a connection has its own allowance; after it, the token's allowance,
        // shared with the token's other sockets and HTTP requests.
        var bucket = TokenBucket(rate: Double(core.config.opsPerSecond), burst: Double(core.config.opsBurst), now: Self.seconds())
        for try await message in inbound.messages(maxSize: core.config.hardFrameBytes) {
            ServerMetrics.framesIn.increment()
            // Every frame costs a token, garbage included, so a flood cannot buy server work.
            // Nothing more is read once a close was asked for (revoked, hello timeout, shutdown).
            if conn.isClosing { break }
            let now = Self.seconds()
            let allowed = if let key = conn.rateLimitKey { core.limiter.allow(key, now: now) } else { bucket.take(now: now) }
            guard allowed else {
                ServerMetrics.op(nil, ErrorCode.rateLimited.rawValue)
                let id = Self.requestId(message)
                logger.notice("rate limited", metadata: ["req": "\(id.map { LogSafe.text($0) } ?? "-")"])
                conn.send(.text(Wire.error(id, SwarmError(.rateLimited, "more than \(core.config.opsPerSecond) requests per second for this token; slow down"))))
                continue
            }
            guard case .text(let text) = message else {
                logger.info("binary frame refused")
                ServerMetrics.op(nil, ErrorCode.badRequest.rawValue)
                conn.send(.text(Wire.error(nil, .badRequest("binary frames are not supported; send JSON text"))))
                continue
            }
            guard text.utf8.count <= core.config.maxFrameBytes else {
                logger.info("frame too large", metadata: ["bytes": "\(text.utf8.count)"])
                ServerMetrics.op(nil, ErrorCode.tooLarge.rawValue)
                conn.send(.text(Wire.error(nil, SwarmError(.tooLarge, "frame is over \(core.config.maxFrameBytes) bytes"))))
                continue
            }
            await handle(text)
            if conn.overflowed { break }
        }
    }

    /// Monotonic seconds, for the rate limiter.
    static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// The request id of a frame, when it is cheap to find, for a refusal that names it.
    static func requestId(_ message: WebSocketMessage) -> String? {
        guard case .text(let text) = message, text.utf8.count <= 4096 else { return nil }
        return (try? JSONDecoder().decode(RequestEnvelope.self, from: Data(text.utf8)))?.id
    }

    private func handle(_ text: String) async {
        let body = Data(text.utf8)
        guard let envelope = try? JSONDecoder().decode(RequestEnvelope.self, from: body) else {
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
                try await hello(id: id, body: body)
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
            let ctx = RequestContext(core: core, conn: conn, principal: principal, id: id, body: body)
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

    private func hello(id: String, body: Data) async throws {
        guard conn.principal == nil else { throw SwarmError.badRequest("hello was already accepted on this connection") }
        // Read before authenticating: a revoke committed after this moves the epoch, and the
        // token is checked again below.
        let epoch = core.hub.revocationEpoch
        let req = try JSONDecoder().decode(RequestData<HelloRequest>.self, from: body).data
        guard let token = req.token ?? headerToken, let (principal, user, head) = try await core.store.authenticateSession(token: token) else {
            logger.warning("authentication failed")
            ServerMetrics.op(.hello, ErrorCode.unauthorized.rawValue)
            conn.send(.text(Wire.error(id, SwarmError(.unauthorized, "unknown or revoked token"))))
            conn.close(code: CloseCode.unauthorized, reason: "unauthorized")
            return
        }
        // The head was read before registering (with the token): anything committed later is either replayed or live.
        if let after = req.after {
            guard after >= 0 else { throw SwarmError.badRequest("after must be ≥ 0") }
            guard after <= head else { throw SwarmError.badRequest("after \(after) is ahead of the event log (head \(head))") }
            let pruned = try await core.store.prunedThrough()
            if after < pruned {
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
        core.hub.register(conn, user: principal.id, initial: [.text(Wire.reply(id, reply))], missed: (req.after ?? head, head))
        logger.info("session started", metadata: ["user": "\(principal.name)", "client": "\(req.client.map { LogSafe.text($0, maxLength: 64) } ?? "-")", "after": "\(req.after.map(String.init) ?? "-")"])
        // A revoke that committed while this hello was authenticating found no registered
        // session to close; the epoch shows it.
        _ = try await core.tokenStillLive(principal, conn)
    }

    // MARK: writing

    /// Does the queue's turns that need a task: a replay (store reads, a page per write) and the
    /// close (the WebSocket library's handshake). Frames go out on the event loop meanwhile
    /// (`OutboundDrain`), never while this task holds the turn, so order is the queue's.
    private func writeLoop(_ outbound: WebSocketOutboundWriter) async {
        var frames: [WebSocketFrame] = []
        do {
            turns: while true {
                switch await conn.queue.nextTurn() {
                case .end:
                    break turns
                case .item(.replay(let after, _, _)):
                    var through = after
                    // Replay is queued only after hello authenticated the connection.
                    if let principal = conn.principal {
                        through = try await replay(after: after, principal, &frames)
                        try await write(&frames)
                        // `ready` goes out before any frame queued behind the replay.
                        try await frameWriter.written()
                    }
                    if conn.queue.endTurn(replayedThrough: through) { conn.drain?.schedule() }
                case .item(.close(let code, let reason)):
                    try await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason)
                    return
                case .item(.frame):
                    // Frames are the drain's; the queue offers the task only replays and closes.
                    if conn.queue.endTurn(replayedThrough: 0) { conn.drain?.schedule() }
                }
            }
        } catch {
            logger.debug("write ended", metadata: ["reason": "\(error)"])
        }
        if conn.overflowed {
            try? await outbound.close(WebSocketErrorCode(codeNumber: Int(CloseCode.slowConsumer)), reason: "slow consumer; resume with hello after")
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

/// The close deadline's timer, set from the closing handler and cancelled when the session ends.
private final class DeadlineBox: Sendable {
    let timer = Mutex<Scheduled<Void>?>(nil)
}
