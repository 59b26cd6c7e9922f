import SwarmClient
import SwarmProtocol

/// One load connection and the user it is logged in as.
struct Member: Sendable {
    var index: Int
    var user: LoadUser
    var conn: SwarmConnection
}

struct ConnectOutcome: Sendable {
    var members: [Member]
    var failed: Int
    var seconds: Double
}

enum Connections {
    /// Opens one connection per slot (slot i logs in as users[i % users.count]), at most `limit`
    /// handshakes at a time. Every connection's `events` stream is drained so it cannot grow.
    /// `url` may list several nodes, comma-separated: slot i goes to node i % count, so senders and
    /// receivers are split across them alike. `firstURL` (k, URL): slots below k go to URL instead.
    static func open(
        _ count: Int, users: [LoadUser], url: String, firstURL: (Int, String)? = nil, keepRaw: Bool, limit: Int, failures: Tally,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async -> ConnectOutcome {
        guard !users.isEmpty else { return ConnectOutcome(members: [], failed: count, seconds: 0) }
        let urls = Runner.nodes(url)
        let started = LoadClock.nanos()
        let done = Counter()
        let members = await concurrently(count, limit: limit) { i -> Member? in
            let user = users[i % users.count]
            defer {
                done.add()
                if done.current % 1000 == 0 { progress?(done.current) }
            }
            do {
                let conn = try await SwarmConnection.connect(
                    url: firstURL.flatMap { i < $0.0 ? $0.1 : nil } ?? urls[i % urls.count], hello: HelloRequest(token: user.token, client: "swarm-load"), keepRaw: keepRaw, decodeEvents: !keepRaw)
                let events = conn.events
                Task { for await _ in events {} }
                return Member(index: i, user: user, conn: conn)
            } catch {
                failures.add("connect " + Tally.kind(of: error))
                return nil
            }
        }
        let opened = members.compactMap { $0 }
        return ConnectOutcome(members: opened, failed: count - opened.count,
                              seconds: Double(LoadClock.nanos() - started) / 1e9)
    }

    static func closeAll(_ conns: [SwarmConnection], limit: Int = 256) async {
        _ = await concurrently(conns.count, limit: limit) { i -> Bool? in
            await conns[i].close()
            return nil
        }
    }
}
