import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwarmCore
import SwarmProtocol
import SwarmStore

/// This node's part in presence, typing and rate limits across nodes on PostgreSQL (PROTOCOL §27).
///
/// One loop owns the cluster tables' connection (`PostgresClusterState`). Each turn is one
/// transaction: the heartbeat when due, this node's changed presence rows (from `ClusterOutbox`),
/// the NOTIFYs (a presence notice when rows changed, typing), and a read of every live node's rows
/// when due. A turn runs when the outbox gains something, every `cluster.heartbeat_ms`, when
/// another node sends a presence notice, and when the listener (re)connects. The read is the
/// truth and a notice only says "read again", so a lost notice costs at most one heartbeat; a
/// node that died stops stamping its heartbeat and the others drop its users after
/// `cluster.node_timeout_ms`, at their next heartbeat.
final class ClusterNode: Service, Sendable {
    let id: String
    let state: PostgresClusterState
    let listener: PostgresListener
    let outbox: ClusterOutbox
    let hub: Hub
    let limiter: RateLimiter
    let committer: GroupCommitter
    let heartbeat: Duration
    let logger: Logger
    private let readDue = Atomic<Bool>(true)
    private let heartbeatDue = Atomic<Bool>(true)
    private let failing = Atomic<Bool>(false)
    /// Every live node's rows as last read, and what follows from them. Only the turn loop
    /// touches it (one turn at a time); the lock makes that visible to the compiler.
    private let view: Mutex<ClusterView>
    /// Users whose presence the hub must be given again at the next read though their rows may
    /// not change: changed here since (the hub's guess for them may be stale), or not taken last
    /// time (`changing`). Only the turn loop touches it.
    private let recheck = Mutex<Set<Int64>>([])
    /// This node's rows as last written, so a turn writes only the rows that changed. A login of a
    /// user who already has a session here with the same token changes nothing another node
    /// reads; written anyway, it moved this node's version, and every other node read all of its
    /// rows again. Only the turn loop touches it.
    private let written = Mutex<[Int64: ClusterPresenceRow]>([:])

    init(id: String, state: PostgresClusterState, listener: PostgresListener, outbox: ClusterOutbox, hub: Hub, limiter: RateLimiter,
         committer: GroupCommitter, heartbeat: Duration, logger: Logger) {
        self.id = id
        self.state = state
        self.listener = listener
        self.outbox = outbox
        self.hub = hub
        self.limiter = limiter
        self.committer = committer
        self.heartbeat = heartbeat
        self.logger = logger
        view = Mutex(ClusterView(node: id))
    }

    var presenceNotice: String { EphemeralSignal(node: id, kind: .presence).encoded }

    /// The least time between the starts of two turns. Without it every login of a storm was a
    /// turn of its own: ~2,000 transactions of six statements for 10,000 logins on one node (and
    /// a read on every other node for each one's notice), a quarter of the node's CPU. Other
    /// nodes see a change at most this much later (plus a turn that is under way).
    static let turnSpacing = Duration.milliseconds(50)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listen() }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.heartbeat)
                        self.heartbeatDue.store(true, ordering: .relaxed)
                        self.readDue.store(true, ordering: .relaxed)
                        self.outbox.poke()
                    }
                }
                group.addTask {
                    var turns = 0
                    let clock = ContinuousClock()
                    var lastTurn: ContinuousClock.Instant?
                    for await _ in self.outbox.wakes {
                        // A change after a quiet spell goes out at once; changes that keep coming
                        // (a login storm) wait for the spacing and go out together.
                        if let lastTurn { try? await clock.sleep(until: lastTurn + Self.turnSpacing) }
                        let started = clock.now
                        turns += 1
                        // Now and then, forget nodes long dead (their rows are ignored meanwhile).
                        // A wake that found nothing to do does not count as a turn.
                        if await self.turn(sweep: turns % 600 == 1) { lastTurn = started }
                    }
                }
                _ = await group.next()
                group.cancelAll()
            }
        }
        // A clean stop: the other nodes drop this node's users now, not after the timeout.
        do { try await state.leave(presenceNotice: presenceNotice) } catch {
            logger.notice("could not remove this node from the cluster tables; the others drop it after the timeout",
                          metadata: ["error": "\(error)"])
        }
        await state.shutdown()
    }

    /// The first turn, before the server takes connections: its node row, then every live
    /// node's users, so its first `presence.list` already holds them.
    func join() async {
        await turn(sweep: true)
    }

    private func listen() async {
        await listener.run(onListening: { [self] in
            // Whatever was committed or changed while the listener was down is read now.
            committer.poke()
            readDue.store(true, ordering: .relaxed)
            outbox.poke()
        }, onNotification: { [self] channel, payload in
            guard channel == PostgresClusterState.channel else { return committer.poke() }
            guard let signal = EphemeralSignal.decode(payload), signal.node != id else { return }
            switch signal.kind {
            case .presence:
                readDue.store(true, ordering: .relaxed)
                outbox.poke()
            case .typing:
                guard let channel = signal.channel, let user = signal.user else { return }
                // The hub sends it to the channel's members here, by this node's own member table.
                let frame = Wire.event(.typing, TypingEvent(channel: Ids.make(.channel, channel), thread: signal.thread, user: Ids.make(.user, user)))
                hub.sendEphemeral(channel: channel, except: nil, frame: frame)
            }
        })
    }

    /// False when there was nothing to exchange.
    @discardableResult
    private func turn(sweep: Bool) async -> Bool {
        let pending = outbox.take()
        recheck.withLock { $0.formUnion(pending.users) }
        var x = ClusterExchange()
        x.heartbeat = heartbeatDue.exchange(false, ordering: .relaxed)
        let read = readDue.exchange(false, ordering: .relaxed)
        let current = hub.clusterRows(pending.users, node: id)
        x.rows = written.withLock { written in current.filter { user, row in written[user] != row } }
        x.statuses = pending.statuses.map { ($0.user, $0.status.rawValue) }
        x.notifications = pending.typing.map(\.encoded)
        guard x.heartbeat || read || x.writes || !x.notifications.isEmpty else { return false }
        ServerMetrics.clusterTurns.increment()
        if read { x.known = view.withLock { $0.known } }
        if sweep { x.sweepAfterMilliseconds = max(60_000, 10 * state.nodeTimeoutMilliseconds) }
        do {
            let (hub, id) = (hub, id)
            // Filled when this node's row was gone and every row was written again.
            let rewritten = Mutex<[ClusterPresenceRow]?>(nil)
            // Counted as sent, before the COMMIT: another node that shows a change has it counted.
            ServerMetrics.clusterRowsWritten.increment(by: Int64(x.rows.count))
            let result = try await state.exchange(x, presenceNotice: presenceNotice, everyRow: {
                let rows = hub.allClusterRows(node: id)
                ServerMetrics.clusterRowsWritten.increment(by: Int64(rows.count))
                rewritten.withLock { $0 = rows }
                return rows
            })
            noteWritten(x.rows, rewritten: rewritten.withLock { $0 })
            if failing.exchange(false, ordering: .relaxed) { logger.notice("cluster tables reachable again") }
            if result.rejoined { logger.info("joined the cluster tables", metadata: ["node": "\(id)"]) }
            if let live = result.live {
                let users = recheck.withLock { users in
                    defer { users = [] }
                    return users
                }
                apply(view.withLock { $0.take(live: live, changed: result.changed, recheck: users) })
            }
        } catch {
            if !failing.exchange(true, ordering: .relaxed) {
                logger.warning("cannot reach the cluster tables; presence from other nodes is stale until they are back",
                               metadata: ["error": "\(error)"])
            }
            // Rows are read from the hub again at the next turn; typing this late is dropped.
            outbox.restore(pending)
            if x.heartbeat { heartbeatDue.store(true, ordering: .relaxed) }
            if read { readDue.store(true, ordering: .relaxed) }
            // No busy loop against a database that is down; a long heartbeat must not delay the retry.
            try? await Task.sleep(for: min(heartbeat, .seconds(1)))
        }
        return true
    }

    /// After a turn that committed: what this node's rows now are.
    private func noteWritten(_ rows: [Int64: ClusterPresenceRow?], rewritten: [ClusterPresenceRow]?) {
        written.withLock { written in
            guard let rewritten else {
                for (user, row) in rows { written[user] = row }
                return
            }
            written = Dictionary(rewritten.map { ($0.user, $0) }, uniquingKeysWith: { _, last in last })
        }
    }

    /// What a read changed, to the limiter and the hub.
    private func apply(_ changes: ClusterView.Changes) {
        // Shares first: a client that saw the presence event may count on the limit already.
        limiter.updateShares(changes.shares)
        let changing = outbox.changingUsers
        hub.applyCluster(own: changes.own, others: changes.others, changing: changing)
        // A status this node's newer write keeps from the hub for now: offered again next time.
        let skipped = changes.own.keys.filter(changing.contains)
        if !skipped.isEmpty { recheck.withLock { $0.formUnion(skipped) } }
    }
}
