import Logging
import NIOCore
import Synchronization

/// Every TCP connection from accept to close. Connections that have not said `hello` yet (plain
/// HTTP ones included) are capped per client address and in all, so one client cannot hold the
/// server's sockets; the gate also knows every open channel, so shutdown can cut the ones that
/// ignore the close handshake.
final class ConnectionGate: Sendable {
    struct Limits: Sendable {
        var perAddress: Int
        var total: Int
    }

    private struct Entry {
        let address: String
        var pending: Bool
        let channel: any Channel
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var pendingByAddress: [String: Int] = [:]
        var pending = 0
        var shuttingDown = false
        /// Refusals are logged at most once a second, with how many were not logged.
        var refusedUnlogged = 0
        var lastRefusalLog: ContinuousClock.Instant?
    }

    let limits: Limits
    private let state = Mutex(State())
    private let logger: Logger

    init(limits: Limits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    var openCount: Int { state.withLock { $0.entries.count } }

    /// Registers a new connection; returns why it is refused, or nil when it may proceed (it is
    /// then released when its channel closes).
    func admit(_ channel: any Channel) -> String? {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let id = ObjectIdentifier(channel)
        let refusal: String? = state.withLock { s in
            if s.shuttingDown { return "server shutting down" }
            if s.pending >= limits.total { return "too many connections without hello" }
            if s.pendingByAddress[address, default: 0] >= limits.perAddress { return "too many connections without hello from this address" }
            s.entries[id] = Entry(address: address, pending: true, channel: channel)
            s.pending += 1
            s.pendingByAddress[address, default: 0] += 1
            return nil
        }
        if let refusal {
            ServerMetrics.connectionRefused(refusal.hasSuffix("address") ? "per_address" : refusal.hasPrefix("server") ? "shutdown" : "total")
            logRefusal(refusal, address: address)
            return refusal
        }
        channel.closeFuture.whenComplete { _ in self.release(id) }
        return nil
    }

    /// The connection said hello: it no longer counts against the caps.
    func authenticated(_ channel: any Channel) {
        state.withLock { s in
            let id = ObjectIdentifier(channel)
            guard let entry = s.entries[id], entry.pending else { return }
            s.entries[id]?.pending = false
            Self.unpend(entry.address, &s)
        }
    }

    private func release(_ id: ObjectIdentifier) {
        state.withLock { s in
            guard let entry = s.entries.removeValue(forKey: id), entry.pending else { return }
            Self.unpend(entry.address, &s)
        }
    }

    private static func unpend(_ address: String, _ s: inout State) {
        s.pending -= 1
        let left = s.pendingByAddress[address, default: 1] - 1
        s.pendingByAddress[address] = left > 0 ? left : nil
    }

    private func logRefusal(_ why: String, address: String) {
        let (log, unlogged): (Bool, Int) = state.withLock { s in
            let now = ContinuousClock.now
            if let last = s.lastRefusalLog, now - last < .seconds(1) {
                s.refusedUnlogged += 1
                return (false, 0)
            }
            s.lastRefusalLog = now
            defer { s.refusedUnlogged = 0 }
            return (true, s.refusedUnlogged)
        }
        guard log else { return }
        logger.warning("connection refused", metadata: ["why": "\(why)", "address": "\(address)", "refused_unlogged": "\(unlogged)"])
    }

    /// From now on every new connection is refused.
    func shutDown() { state.withLock { $0.shuttingDown = true } }

    /// Closes every open connection at the TCP level; returns how many there were.
    @discardableResult
    func cutAll() -> Int {
        let channels = state.withLock { $0.entries.values.map(\.channel) }
        for channel in channels {
            // End of input first, so a connection still in its HTTP head is given up quietly.
            channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            channel.close(promise: nil)
        }
        return channels.count
    }
}
