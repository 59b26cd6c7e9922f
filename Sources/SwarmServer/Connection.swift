import Foundation
import NIOCore
import Synchronization
import SwarmProtocol
import SwarmStore

/// What a connection's writer task does next. Everything a client receives goes through this one
/// ordered queue: replies, replayed events, live events and the final close.
enum Outbound: Sendable {
    /// A text frame, already UTF-8; event frames carry their seq so the writer can drop ones it
    /// already replayed.
    case frame(ByteBuffer, seq: Int64?)
    /// Replay visible events after `after` from the log, then send `ready`. Without a resume
    /// point `after` is the head read before the session went live, which closes the window
    /// between reading the head and registering with the hub.
    case replay(after: Int64, user: Int64, head: Int64)
    case close(code: UInt16, reason: String)
}

extension Outbound {
    static func text(_ string: String) -> Outbound { .frame(ByteBuffer(string: string), seq: nil) }
}

/// One WebSocket. Fan-out never waits on a socket: `send` only appends to a bounded queue drained
/// by the connection's own writer task; when the queue is full the connection is marked
/// overflowed and closed with 4008, and the client resumes from the log.
final class Connection: Sendable {
    let id: Int
    let stream: AsyncStream<Outbound>
    private let continuation: AsyncStream<Outbound>.Continuation
    private let overflowFlag = Atomic<Bool>(false)
    private let session = Mutex<(principal: Principal?, presence: Bool)>((nil, false))
    /// While a request is being handled, a close asked for by the hub (token revoked) waits until
    /// its reply is queued, so the client learns that its own revoke succeeded.
    private let requestState = Mutex<(busy: Bool, pendingClose: Outbound?)>((false, nil))

    init(id: Int, queueLimit: Int) {
        self.id = id
        (stream, continuation) = AsyncStream<Outbound>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
    }

    var overflowed: Bool { overflowFlag.load(ordering: .relaxed) }

    var principal: Principal? { session.withLock { $0.principal } }
    var wantsPresence: Bool { session.withLock { $0.presence } }

    func authenticate(_ p: Principal, presence: Bool) {
        session.withLock { $0 = (p, presence) }
    }

    /// Returns false when the queue overflowed (the connection is then being closed).
    @discardableResult
    func send(_ item: Outbound) -> Bool {
        if overflowed { return false }
        switch continuation.yield(item) {
        case .enqueued: return true
        case .dropped:
            overflowFlag.store(true, ordering: .relaxed)
            ServerMetrics.fanoutDrops.increment()
            continuation.finish()
            return false
        case .terminated: return false
        @unknown default: return false
        }
    }

    func beginRequest() { requestState.withLock { $0.busy = true } }

    /// Marks the request done and returns a close that was deferred during it.
    func endRequest() -> Outbound? {
        requestState.withLock { s in
            s.busy = false
            defer { s.pendingClose = nil }
            return s.pendingClose
        }
    }

    /// Queues a close now, or right after the reply of the request being handled.
    func close(code: UInt16, reason: String) {
        let now = requestState.withLock { s -> Bool in
            guard s.busy else { return true }
            s.pendingClose = .close(code: code, reason: reason)
            return false
        }
        if now { send(.close(code: code, reason: reason)) }
    }

    /// Ends the writer after what is queued.
    func finish() { continuation.finish() }
}
