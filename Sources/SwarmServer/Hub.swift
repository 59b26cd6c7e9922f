import Foundation
import Logging
import NIOCore
import Synchronization
import SwarmCore
import SwarmProtocol
import SwarmStore

/// Routes committed events to the open connections of the users who may see them. Its routing
/// table (channel → members) is loaded once and then kept current by the member events it routes,
/// which arrive in log order from the single writer.
final class Hub: Sendable {
    struct State {
        var connections: [Int: Connection] = [:]
        var byUser: [Int64: Set<Int>] = [:]
        var members: [Int64: Set<Int64>] = [:]
        /// Status of each user with a session on this node.
        var presence: [Int64: PresenceStatus] = [:]
        /// The live connections that asked for presence events (hello `presence: true`), so a
        /// status change visits them only, not every socket: with all sockets it made N logins
        /// cost O(N²).
        var presenceWatchers: [Int: Connection] = [:]
        /// Users with a session on another live node only, as of the last read of the cluster
        /// tables (PostgreSQL; always empty on SQLite). See Hub+Cluster.swift.
        var remote: [Int64: PresenceStatus] = [:]
        /// Shutdown waiting for the last connection to go.
        var emptyWaiters: [AsyncStream<Void>.Continuation] = []
        /// The highest seq published so far (or committed before the hub saw its first commit):
        /// every event after it is still to be published, so a session registered now receives it
        /// live. A `hello` whose `after` is at or past it needs no replay query.
        var publishedThrough: Int64 = 0
    }

    let state = Mutex(State())
    let logger: Logger
    /// Where this node's presence changes and typing go to reach the other nodes (PostgreSQL);
    /// nil on SQLite, so a single node does no extra work.
    let cluster: ClusterOutbox?
    /// Bumped for every `token.revoked` event (ours or another process's, seen by the committer's
    /// poll). A session re-checks its token against the store only when this moved since its last
    /// check, so the per-request cost is one atomic load.
    private let revocations = Atomic<Int>(0)
    var revocationEpoch: Int { revocations.load(ordering: .acquiring) }
    /// With a delivery tick, the smallest audience whose events are held for it
    /// (`server.delivery_tick_min_members`; 0: every event). Without a tick nothing is held.
    private let holdFrom: Int

    init(memberships: [(channel: Int64, user: Int64)], logger: Logger, cluster: ClusterOutbox? = nil, holdFrom: Int = 0) {
        self.logger = logger
        self.cluster = cluster
        self.holdFrom = holdFrom
        state.withLock { s in
            for m in memberships { s.members[m.channel, default: []].insert(m.user) }
        }
    }

    var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Tracks a socket from its upgrade on, so shutdown can close it even before `hello`.
    func attach(_ conn: Connection) {
        state.withLock { $0.connections[conn.id] = conn }
    }

    /// Notes that everything through `seq` was committed before the hub saw its first commit (the
    /// store's head at start-up): a resume from before it replays. (On PostgreSQL the log tail may
    /// still publish some of them later; the session's floor drops those it has.)
    func notePublished(through seq: Int64) {
        state.withLock { $0.publishedThrough = max($0.publishedThrough, seq) }
    }

    /// Adds a live connection: queues `initial` (the hello reply), then, with `missed`, what it
    /// missed after `after` (`head`: the log's head as the hello read it). All is queued under the
    /// same lock that publishing takes, so no live event can overtake it. When nothing was
    /// published after `after`, every later event reaches the connection live, so it gets `ready`
    /// at once instead of a replay (a store read per login, most of them finding nothing).
    /// False, registering nothing, when the connection already left the hub (its socket closed
    /// while its hello was being checked): registered then, it would stay online for good.
    @discardableResult
    func register(_ conn: Connection, user: Int64, initial: [Outbound], missed: (after: Int64, head: Int64)? = nil) -> Bool {
        let ready = missed.map { Outbound.text(Wire.event(.ready, ReadyEvent(seq: $0.after, replayed: 0))) }
        let (registered, presenceFrame): (Bool, String?) = state.withLock { s in
            guard s.connections[conn.id] === conn else { return (false, nil) }
            for item in initial { conn.send(item) }
            if let missed, let ready {
                if s.publishedThrough <= missed.after {
                    // Events through `after` committed but not yet published come live later: the
                    // session has them (or asked for none), so the drain drops them as after a replay.
                    conn.queue.raiseFloor(missed.after)
                    conn.send(ready)
                } else {
                    conn.send(.replay(after: missed.after, user: user, head: missed.head))
                }
            }
            let wasOffline = s.byUser[user]?.isEmpty ?? true
            s.byUser[user, default: []].insert(conn.id)
            if conn.wantsPresence { s.presenceWatchers[conn.id] = conn }
            // Even when not the first session here: the row lists the sessions' rate-limit keys.
            cluster?.changed(user)
            guard wasOffline else { return (true, nil) }
            // Online on another node already: this node takes the status the user has there.
            let elsewhere = s.remote[user]
            s.presence[user] = elsewhere ?? .online
            return (true, elsewhere == nil ? Self.presenceFrame(user: user, status: .online) : nil)
        }
        if let presenceFrame { broadcastPresence(presenceFrame) }
        return registered
    }

    func unregister(_ conn: Connection) {
        let presenceFrame: String? = state.withLock { s in
            guard s.connections.removeValue(forKey: conn.id) != nil else { return nil }
            s.presenceWatchers[conn.id] = nil
            if s.connections.isEmpty {
                for waiter in s.emptyWaiters { waiter.finish() }
                s.emptyWaiters = []
            }
            guard let user = conn.userId,
                  s.byUser[user]?.remove(conn.id) != nil else { return nil }
            cluster?.changed(user)
            guard s.byUser[user]?.isEmpty ?? true else { return nil }
            s.byUser[user] = nil
            let had = s.presence.removeValue(forKey: user)
            guard s.remote[user] != nil else { return Self.presenceFrame(user: user, status: .offline) }
            // Still online on another node: offline only when the last session anywhere goes. The
            // status here is the freshest (it belongs to the user, and the other nodes' rows follow
            // it); what the other node really has shows at the next read, as any change would.
            s.remote[user] = had
            return nil
        }
        if let presenceFrame { broadcastPresence(presenceFrame) }
    }

    func isMember(channel: Int64, user: Int64) -> Bool {
        state.withLock { $0.members[channel]?.contains(user) ?? false }
    }

    /// Called by the group committer after each commit, in log order. `rounds`: the writes that go
    /// at once wait until the caller starts them, after resuming the commit's requests (`DeferredRounds`).
    func publish(_ events: [LoggedEvent], deferring rounds: DeferredRounds? = nil) {
        // By id: once a queue overflowed, every later event of the batch is refused too.
        var overflowed: [Int: Connection] = [:]
        state.withLock { s in
            for event in events {
                s.publishedThrough = max(s.publishedThrough, event.seq)
                if event.type == EventName.memberJoined.rawValue, let c = event.channelId, let u = event.userId {
                    s.members[c, default: []].insert(u)
                }
                if event.type == EventName.tokenRevoked.rawValue {
                    revocations.add(1, ordering: .releasing)
                    closeRevoked(event, &s)
                    continue
                }
                // Encoded once, WebSocket header included, when the first recipient is found (an
                // event nobody here may read, such as one for another node's users, costs no copy);
                // every recipient writes this buffer.
                var frame: Outbound?
                var users: Set<Int64> = event.channelId.flatMap { s.members[$0] } ?? []
                if let u = event.userId { users.insert(u) }
                let held = users.count >= holdFrom
                for user in users {
                    // Case events go only to those the case rule admits (the store applies the same
                    // rule at replay). Per connection: a bot's tokens may have different scopes.
                    let isMember = event.caseAudience.map { s.members[$0.channelId]?.contains(user) ?? false } ?? false
                    for cid in s.byUser[user] ?? [] {
                        guard let conn = s.connections[cid] else { continue }
                        if let audience = event.caseAudience {
                            guard let p = conn.principal,
                                  audience.admits(CaseVisibility.Reader(role: p.role, scope: p.scope), user: user, isMember: isMember) else { continue }
                        }
                        // A refused frame is an overflow only if the queue overflowed: a
                        // connection whose session is ending refuses frames too.
                        let out = frame ?? .frame(WireFrame(text: event.frame), seq: event.seq)
                        frame = out
                        if !conn.send(out, held: held, deferring: rounds), conn.overflowed { overflowed[conn.id] = conn }
                    }
                }
                if event.type == EventName.memberLeft.rawValue, let c = event.channelId, let u = event.userId {
                    s.members[c]?.remove(u)
                }
            }
        }
        for conn in overflowed.values {
            logger.warning("slow consumer disconnected", metadata: ["conn": "\(conn.id)", "user": "\(conn.principal?.name ?? "-")"])
            unregister(conn)
        }
    }

    private func closeRevoked(_ event: LoggedEvent, _ s: inout State) {
        guard let user = event.userId,
              let payload = try? JSONDecoder().decode(TokenRevokedEvent.self, from: Data(event.data.utf8)) else { return }
        let revoked = Set(payload.tokens.compactMap { Ids.parse(.token, $0) })
        for cid in s.byUser[user] ?? [] {
            guard let conn = s.connections[cid], let token = conn.principal?.tokenId, revoked.contains(token) else { continue }
            conn.close(code: CloseCode.unauthorized, reason: "token revoked")
        }
    }

    /// Typing indicators: to the channel's other members now online; not logged. `except` is the
    /// sending connection (none when the typing came from another node).
    func sendEphemeral(channel: Int64, except: Int?, frame: String) {
        state.withLock { s in
            let members = s.members[channel] ?? []
            let held = members.count >= holdFrom
            for user in members {
                for cid in s.byUser[user] ?? [] where cid != except {
                    s.connections[cid]?.send(.text(frame), held: held)
                }
            }
        }
    }

    func setPresence(user: Int64, status: PresenceStatus) {
        let changed = state.withLock { s -> Bool in
            guard s.byUser[user] != nil, s.presence[user] != status else { return false }
            s.presence[user] = status
            cluster?.statusSet(user, status)
            return true
        }
        if changed { broadcastPresence(Self.presenceFrame(user: user, status: status)) }
    }

    /// Users with a live session (on any live node) who have not set themselves away or do-not-disturb.
    func availableUsers() -> Set<Int64> {
        state.withLock { s in
            var users = Set(s.byUser.filter { !$0.value.isEmpty }.keys.filter { s.presence[$0] != .away && s.presence[$0] != .dnd })
            for (user, status) in s.remote where status == .online && s.presence[user] == nil { users.insert(user) }
            return users
        }
    }

    /// This node's users, then those only on other live nodes (empty on SQLite).
    func presenceList() -> [PresenceEntry] {
        state.withLock { s in
            (s.remote.isEmpty ? s.presence : s.presence.merging(s.remote) { here, _ in here })
                .sorted { $0.key < $1.key }.map { PresenceEntry(user: Ids.make(.user, $0.key), status: $0.value) }
        }
    }

    /// Presence goes only to connections that asked for it (`hello {presence: true}`): sending every
    /// login to every user would make connection storms quadratic.
    func broadcastPresence(_ frame: String) {
        state.withLock { s in
            let held = s.presenceWatchers.count >= holdFrom
            for conn in s.presenceWatchers.values {
                conn.send(.text(frame), held: held)
            }
        }
    }

    /// Closes every connection (server shutdown).
    func closeAll(code: UInt16, reason: String) {
        state.withLock { s in
            for conn in s.connections.values {
                conn.close(code: code, reason: reason, deferIfBusy: false)
                conn.finish()
            }
        }
    }

    /// Waits until no connection is left, or until `deadline`; true when none is left.
    func waitUntilEmpty(until deadline: ContinuousClock.Instant) async -> Bool {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        let empty = state.withLock { s in
            if s.connections.isEmpty { return true }
            s.emptyWaiters.append(continuation)
            return false
        }
        if empty { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in stream {}
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return false
            }
            let result = await group.next() ?? false
            group.cancelAll()
            return result
        }
    }

    static func presenceFrame(user: Int64, status: PresenceStatus) -> String {
        "{\"ev\":\"presence\",\"data\":{\"user\":\"\(Ids.make(.user, user))\",\"status\":\"\(status.rawValue)\"}}"
    }
}
