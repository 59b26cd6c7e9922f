/// Request rate limiting per connection: `rate` tokens per second, at most `burst` saved up.
/// Pure: the caller passes the time, so tests need no clock.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var last: Double

    public init(rate: Double, burst: Double, now: Double) {
        self.rate = rate
        self.burst = max(1, burst)
        self.tokens = max(1, burst)
        self.last = now
    }

    /// Takes one token if there is one. `now` is in seconds on any monotonic clock.
    public mutating func take(now: Double) -> Bool {
        tokens = min(burst, tokens + max(0, now - last) * rate)
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// The same bucket at another rate and burst (this node's share of a token's allowance
    /// changed): what it saved up is kept, up to the new burst.
    public func resized(rate: Double, burst: Double, now: Double) -> TokenBucket {
        var copy = TokenBucket(rate: rate, burst: burst, now: now)
        copy.tokens = min(copy.burst, tokens + max(0, now - last) * self.rate)
        return copy
    }

    /// True when the bucket has refilled to its burst: it then behaves like a new one, so a table
    /// of buckets may forget it.
    public func isFull(now: Double) -> Bool {
        tokens + max(0, now - last) * rate >= burst
    }
}
