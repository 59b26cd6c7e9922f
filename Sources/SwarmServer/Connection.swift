import Foundation
import NIOCore
import Synchronization
import SwarmProtocol
import SwarmStore

/// What a connection sends next. Everything a client receives goes through this one
/// ordered queue: replies, replayed events, live events and the final close.
enum Outbound: Sendable {
    /// A text frame, encoded whole (header and payload); event frames carry their seq so the
    /// drain can drop ones that were already replayed.
    case frame(WireFrame, seq: Int64?)
    /// Replay visible events after `after` from the log, then send `ready`. Without a resume
    /// point `after` is the head read before the session went live, which closes the window
    /// between reading the head and registering with the hub.
    case replay(after: Int64, user: Int64, head: Int64)
    case close(code: UInt16, reason: String)
}

extension Outbound {
    static func text(_ string: String) -> Outbound { .frame(WireFrame(text: string), seq: nil) }
}

/// One WebSocket. Fan-out never waits on a socket: `send` only appends to a bounded queue, drained
/// on the socket's event loop (`OutboundDrain`; replays and the close by the session, see
/// `OutboundQueue`); when the queue is full the connection is marked overflowed and
/// closed with 4008, and the client resumes from the log.
///
/// Closing is one-way: from the moment a close is asked for (revoke, hello timeout, overflow,
/// shutdown) the connection has no principal and reads nothing more, whatever the client does;
/// the session cuts the TCP connection if the close handshake does not finish in time.
final class Connection: Sendable {
    let id: Int
    let queue: OutboundQueue
    /// Writes the queue on the socket's event loop; nil for a connection without a socket (tests).
    let drain: OutboundDrain?
    private let overflowFlag = Atomic<Bool>(false)
    private let closingFlag = Atomic<Bool>(false)
    /// Runs once when closing starts, so the session can start its close deadline even when the
    /// writer is stuck behind a client that stopped reading.
    private let closingHandler = Mutex<ClosingHandler>(.none)
    private enum ClosingHandler {
        case none
        case waiting(@Sendable () -> Void)
        /// Closing started; a handler set from now on runs at once.
        case started
    }
    /// `user` outlives `principal`: the hub needs it to unregister a connection that was closed.
    private let session = Mutex<(principal: Principal?, user: Int64?, presence: Bool)>((nil, nil, false))
    /// The hub's revocation epoch when this connection's token was last known to be live.
    private let checkedEpoch = Atomic<Int>(0)
    /// The rate-limit key of the authenticated token (0 before hello), read once per frame.
    private let limitKey = Atomic<Int64>(0)
    /// While a request is being handled, a close asked for by the hub (token revoked) waits until
    /// its reply is queued, so the client learns that its own revoke succeeded.
    private let requestState = Mutex<(busy: Bool, pendingClose: Outbound?)>((false, nil))

    /// Counts this connection while it is alive (nil in tests that make one by hand).
    private let live: LiveCount?

    init(id: Int, queueLimit: Int, live: LiveCount? = nil, drain makeDrain: ((OutboundQueue) -> OutboundDrain)? = nil) {
        self.id = id
        self.live = live
        queue = OutboundQueue(limit: queueLimit)
        drain = makeDrain?(queue)
        live?.add()
    }

    deinit { live?.remove() }

    var overflowed: Bool { overflowFlag.load(ordering: .relaxed) }
    var isClosing: Bool { closingFlag.load(ordering: .acquiring) }

    /// Nil before hello and from the moment a close is asked for.
    var principal: Principal? { session.withLock { $0.principal } }
    /// The user the hub registered this connection under (kept after close, for unregistering).
    var userId: Int64? { session.withLock { $0.user } }
    var wantsPresence: Bool { session.withLock { $0.presence } }

    var rateLimitKey: Int64? {
        let key = limitKey.load(ordering: .relaxed)
        return key == 0 ? nil : key
    }

    var revocationEpoch: Int { checkedEpoch.load(ordering: .relaxed) }
    func checked(epoch: Int) { checkedEpoch.store(epoch, ordering: .relaxed) }

    /// Makes the session live; false when a close was asked for meanwhile (hello timeout).
    func authenticate(_ p: Principal, presence: Bool, epoch: Int) -> Bool {
        session.withLock { s in
            guard !isClosing else { return false }
            checkedEpoch.store(epoch, ordering: .relaxed)
            limitKey.store(RateLimiter.key(p), ordering: .relaxed)
            s = (p, p.id, presence)
            return true
        }
    }

    /// Returns false when the queue overflowed (the connection is then being closed). An event
    /// (`held`) may wait for its loop's next delivery tick (`server.delivery_tick_ms`); anything
    /// else (replies, the close) is written at once, with what waits before it. `rounds` (a
    /// commit's fan-out): what would be written at once waits for them to start (`DeferredRounds`).
    @discardableResult
    func send(_ item: Outbound, held: Bool = false, deferring rounds: DeferredRounds? = nil) -> Bool {
        if overflowed { return false }
        switch queue.push(item, held: held) {
        case .enqueued:
            return true
        case .expediteNeeded:
            drain?.expedite(deferring: rounds)
            return true
        case .drainNeeded:
            drain?.schedule(held: held, deferring: rounds)
            return true
        case .dropped:
            overflowFlag.store(true, ordering: .relaxed)
            startClosing()
            ServerMetrics.fanoutDrops.increment()
            queue.abort()
            return false
        case .terminated: return false
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

    /// Drops the principal and stops reading now; queues the close frame now, or right after the
    /// reply of the request being handled (unless `deferIfBusy` is false).
    func close(code: UInt16, reason: String, deferIfBusy: Bool = true) {
        guard startClosing() else { return }
        let now = requestState.withLock { s -> Bool in
            guard s.busy, deferIfBusy else { return true }
            s.pendingClose = .close(code: code, reason: reason)
            return false
        }
        if now { send(.close(code: code, reason: reason)) }
    }

    /// True for the caller that started closing.
    @discardableResult
    private func startClosing() -> Bool {
        guard closingFlag.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return false }
        session.withLock { $0.principal = nil }
        // Taken under the lock that `onClosing` uses, so the handler runs exactly once whichever
        // of the two comes first.
        let handler = closingHandler.withLock { h -> (@Sendable () -> Void)? in
            defer { h = .started }
            if case .waiting(let handler) = h { return handler }
            return nil
        }
        handler?()
        return true
    }

    /// The socket is gone: no hello can make this connection live any more, and no close
    /// deadline is started for it (there is nothing left to cut).
    func markGone() {
        closingFlag.store(true, ordering: .releasing)
        session.withLock { $0.principal = nil }
        closingHandler.withLock { $0 = .started }
    }

    /// Sets what runs once when closing starts; runs it now if closing already started.
    func onClosing(_ handler: @escaping @Sendable () -> Void) {
        let started = closingHandler.withLock { h -> Bool in
            if case .started = h { return true }
            h = .waiting(handler)
            return false
        }
        if started { handler() }
    }

    /// No more pushes: what is queued goes out, then the session closes (at once: events held
    /// for a delivery tick are not kept waiting).
    func finish() {
        queue.finish()
        drain?.expedite()
    }
}

/// How many objects of a kind are alive: a connection whose objects are never freed (a reference
/// cycle) shows here long after its socket closed.
final class LiveCount: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add() { count.add(1, ordering: .relaxed) }
    func remove() { count.subtract(1, ordering: .relaxed) }
}
