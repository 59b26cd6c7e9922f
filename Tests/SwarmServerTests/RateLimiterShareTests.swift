@testable import SwarmServer
import Testing

/// A token's allowance split between the nodes it has sessions on (PROTOCOL §9), at the limiter.
@Suite("Rate limit shares across nodes")
struct RateLimiterShareTests {
    static func allowed(_ limiter: RateLimiter, _ key: Int64, now: Double, tries: Int = 100) -> Int {
        (0..<tries).reduce(0) { n, _ in n + (limiter.allow(key, now: now) ? 1 : 0) }
    }

    @Test("a share of 2 halves the burst and the rate of new and live buckets; other keys keep theirs; back to 1 restores it")
    func shares() {
        let limiter = RateLimiter(rate: 10, burst: 20)
        // A live bucket, 4 used: 16 saved, capped at the new burst of 10.
        #expect(Self.allowed(limiter, 1, now: 0, tries: 4) == 4)
        limiter.updateShares([1: 2, 2: 2, 3: 1], now: 0)
        #expect(Self.allowed(limiter, 1, now: 0) == 10)
        // A new bucket under a share, and a key without one.
        #expect(Self.allowed(limiter, 2, now: 0) == 10)
        #expect(Self.allowed(limiter, 3, now: 0) == 20)
        // Half the rate: 5 per second.
        #expect(Self.allowed(limiter, 1, now: 1) == 5)
        // The other node's sessions are gone: the whole rate again, the burst refills to 20.
        limiter.updateShares([1: 1, 2: 1], now: 1)
        #expect(Self.allowed(limiter, 1, now: 2) == 10)
        #expect(Self.allowed(limiter, 1, now: 10) == 20)
    }
}
