import Synchronization
import SwarmCore
import SwarmStore

/// Request allowances per token (`limits.ops_per_second`, bursts of `limits.ops_burst`). Every
/// socket of a token and its HTTP bot requests draw from one bucket, so opening N connections
/// buys no more than one.
///
/// Several nodes (PostgreSQL): a token with sessions on k live nodes gets 1/k of the rate and of
/// the burst on each (`updateShares`, from the cluster tables), so together they allow what one node
/// would. The share changes only when sessions come or go on a node, never per request.
final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private struct State {
        var buckets: [Int64: TokenBucket] = [:]
        /// Keys whose allowance is split with other nodes: the number of nodes sharing it (≥ 2).
        var shares: [Int64: Int] = [:]
    }
    private let state = Mutex(State())
    /// Above this many tokens, refilled buckets are forgotten (a refilled bucket is the same as a
    /// new one, so forgetting it changes nothing).
    private let tidyAbove: Int

    init(rate: Int, burst: Int, tidyAbove: Int = 10_000) {
        self.rate = Double(rate)
        self.burst = Double(burst)
        self.tidyAbove = tidyAbove
    }

    /// Takes one request from `key`'s allowance; false when it is used up.
    func allow(_ key: Int64, now: Double) -> Bool {
        state.withLock { s in
            if s.buckets.count > tidyAbove { s.buckets = s.buckets.filter { !$0.value.isFull(now: now) } }
            // The share is looked up only when a bucket is made; `updateShares` resizes live ones.
            var bucket = s.buckets[key] ?? newBucket(share: s.shares[key] ?? 1, now: now)
            let allowed = bucket.take(now: now)
            s.buckets[key] = bucket
            return allowed
        }
    }

    /// For each key whose split changed: the number of live nodes (this one included) it has
    /// sessions on; 1 or less: not split any more. Keys not named keep their split.
    func updateShares(_ changed: [Int64: Int], now: Double = Session.seconds()) {
        guard !changed.isEmpty else { return }
        state.withLock { s in
            for (key, nodes) in changed {
                let split = nodes > 1 ? nodes : nil
                guard s.shares[key] != split else { continue }
                s.shares[key] = split
                guard let bucket = s.buckets[key] else { continue }
                let share = Double(split ?? 1)
                s.buckets[key] = bucket.resized(rate: rate / share, burst: burst / share, now: now)
            }
        }
    }

    private func newBucket(share: Int, now: Double) -> TokenBucket {
        TokenBucket(rate: rate / Double(share), burst: burst / Double(share), now: now)
    }

    /// The key of a principal: its token, or (for principals without one) its user, negated so
    /// the two never collide.
    static func key(_ p: Principal) -> Int64 { p.tokenId ?? -p.id }
}
