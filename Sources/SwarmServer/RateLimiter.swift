import Synchronization
import SwarmCore
import SwarmStore

/// Request allowances per token (`limits.ops_per_second`, bursts of `limits.ops_burst`). Every
/// socket of a token and its HTTP bot requests draw from one bucket, so opening N connections
/// buys no more than one.
final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private let buckets = Mutex<[Int64: TokenBucket]>([:])
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
        buckets.withLock { buckets in
            if buckets.count > tidyAbove { buckets = buckets.filter { !$0.value.isFull(now: now) } }
            var bucket = buckets[key] ?? TokenBucket(rate: rate, burst: burst, now: now)
            let allowed = bucket.take(now: now)
            buckets[key] = bucket
            return allowed
        }
    }

    /// The key of a principal: its token, or (for principals without one) its user, negated so
    /// the two never collide.
    static func key(_ p: Principal) -> Int64 { p.tokenId ?? -p.id }
}
