import Synchronization
import SwarmProtocol

/// What this node has to tell the cluster tables and the other nodes, gathered between round trips
/// so a connection storm or a burst of typing costs a few transactions, not one each. The hub
/// fills it under its own lock (this one is only ever taken inside it, never around it);
/// `ClusterNode` drains it.
final class ClusterOutbox: Sendable {
    struct Pending: Sendable {
        /// Users whose row on this node may have changed (sessions came or went).
        var users: Set<Int64> = []
        /// `presence.set` calls, in order: they change the user's row on every node.
        var statuses: [(user: Int64, status: PresenceStatus)] = []
        /// Typing signals to NOTIFY, in order.
        var typing: [EphemeralSignal] = []

        var isEmpty: Bool { users.isEmpty && statuses.isEmpty && typing.isEmpty }
    }

    private let pending = Mutex(Pending())
    private let wake: AsyncStream<Void>.Continuation
    /// Yields (at most one buffered) whenever something was added.
    let wakes: AsyncStream<Void>

    init() {
        (wakes, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func changed(_ user: Int64) {
        pending.withLock { _ = $0.users.insert(user) }
        wake.yield()
    }

    func statusSet(_ user: Int64, _ status: PresenceStatus) {
        pending.withLock {
            $0.users.insert(user)
            $0.statuses.append((user, status))
        }
        wake.yield()
    }

    func typing(_ signal: EphemeralSignal) {
        pending.withLock { $0.typing.append(signal) }
        wake.yield()
    }

    /// Users with changes not yet taken: a read that began before they changed must not undo them.
    var changingUsers: Set<Int64> { pending.withLock { $0.users } }

    func take() -> Pending {
        pending.withLock { p in
            defer { p = Pending() }
            return p
        }
    }

    /// Puts back what a failed turn took, before anything added since (a later `presence.set` of
    /// the same user must stay the last). Typing is not put back: late, it would only mislead.
    func restore(_ taken: Pending) {
        pending.withLock { p in
            p.users.formUnion(taken.users)
            p.statuses = taken.statuses + p.statuses
        }
        wake.yield()
    }

    /// A turn without new changes (heartbeat, read due).
    func poke() { wake.yield() }
}
