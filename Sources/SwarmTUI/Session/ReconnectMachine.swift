/// When to (re)connect and how long to back off. A pure value with an injected random source,
/// so its schedule is tested without sockets or clocks.
public struct ReconnectMachine: Sendable {
    public enum State: Equatable, Sendable {
        case idle
        case connecting(attempt: Int)
        case live
        case waiting(attempt: Int)
        case stopped(String)
    }

    public enum Action: Equatable, Sendable {
        case connect
        case wait(seconds: Double)
        case stop(String)
    }

    public private(set) var state: State = .idle
    /// How many nodes the client may use (`swarm --url A,B`). With more than one, a lost or
    /// refused connection moves to the next node at once; the backoff waits only after every
    /// node failed in a row, and grows per such round.
    public var nodes = 1
    /// The node to connect to now (an index into the client's URL list).
    public private(set) var node = 0
    private var failedInRow = 0
    public var baseDelay = 0.5
    public var maxDelay = 30.0
    private var random: @Sendable () -> Double

    /// `random` returns values in 0..<1 for jitter (±20 %).
    public init(random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.random = random
    }

    public mutating func start() -> Action {
        state = .connecting(attempt: 0)
        return .connect
    }

    public mutating func connected() {
        state = .live
        failedInRow = 0
    }

    /// The connection ended or could not be made. `closeCode` 4001 (auth) stops for good.
    public mutating func lost(closeCode: Int?, unauthorized: Bool = false) -> Action {
        if unauthorized || closeCode == 4001 {
            state = .stopped("the server refused the token (revoked?); run `swarm login` again")
            return .stop("unauthorized")
        }
        if case .stopped = state { return .stop("stopped") }
        // The attempt (backoff round) that just failed; nil after a live session.
        let previous: Int?
        switch state {
        case .connecting(let a), .waiting(let a): previous = a
        default: previous = nil
        }
        if nodes > 1 {
            node = (node + 1) % nodes
            failedInRow += 1
            if failedInRow < nodes {
                state = .connecting(attempt: previous ?? 0)
                return .connect
            }
            failedInRow = 0
        }
        let attempt = previous.map { $0 + 1 } ?? 0
        state = .waiting(attempt: attempt)
        return .wait(seconds: delay(attempt: attempt))
    }

    public mutating func waited() -> Action {
        guard case .waiting(let a) = state else { return .stop("not waiting") }
        state = .connecting(attempt: a)
        return .connect
    }

    public mutating func stop(_ why: String) {
        state = .stopped(why)
    }

    /// 0.5 s, 1 s, 2 s … capped at 30 s, each with ±20 % jitter so a restarted server is not
    /// hit by every client in the same millisecond.
    public func delay(attempt: Int) -> Double {
        let raw = min(maxDelay, baseDelay * Double(1 << min(attempt, 16)))
        return raw * (0.8 + 0.4 * random())
    }
}
