import Foundation
import Synchronization
import SwarmCore
import SwarmProtocol

/// Authors whose post to a channel was just refused (not a member, no such channel). On
/// PostgreSQL a refused optimistic post rolls its whole shared savepoint back and every post of
/// the group runs again alone (`SQLiteStore.optimisticPost`): one client posting over and over to
/// a channel it has not joined would keep every batch on that slow path. Its posts there take the
/// waiting path instead, which refuses them with one read and costs its neighbours nothing.
/// Forgotten when the author's post there succeeds, and all at once past `capacity` (a hint,
/// never a rule: the waiting path checks membership every time).
final class RefusedPosters: Sendable {
    private struct Key: Hashable {
        var channel: Int64
        var user: Int64
    }

    private let keys = Mutex<Set<Key>>([])
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func recent(channel: Int64, user: Int64) -> Bool {
        keys.withLock { $0.contains(Key(channel: channel, user: user)) }
    }

    /// Runs the waiting path's channel and membership check for `channel` (a ref), remembering a
    /// refusal and forgetting an earlier one when it passes. Refs that are not ids are not kept:
    /// such posts never take the optimistic path.
    func noting<T>(channel ref: String, user: Int64, _ check: () throws -> T) throws -> T {
        guard let channel = Ids.parse(.channel, ref) else { return try check() }
        let key = Key(channel: channel, user: user)
        do {
            let value = try check()
            _ = keys.withLock { $0.remove(key) }
            return value
        } catch let error as SwarmError where error.code == .forbidden || error.code == .notFound {
            keys.withLock {
                guard !$0.contains(key) else { return }
                if $0.count >= capacity { $0.removeAll() }
                $0.insert(key)
            }
            throw error
        }
    }
}
