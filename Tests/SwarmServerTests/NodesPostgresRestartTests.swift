import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwarmClient
import SwarmProtocol
import Testing

/// PostgreSQL itself restarted under load, beneath two nodes: on a cluster of the test's own (the
/// suite's server is shared by every test running at the same time, so it must not go down).
@Suite("Several nodes across a PostgreSQL restart", .hangGuard, .serialized, .enabled(if: !TestBackend.isSQLite))
struct NodesPostgresRestartTests {
    @Test("PostgreSQL restarted under load: both nodes answer /readyz 503 while it is down, reconnect, and lose nothing acknowledged")
    func restartUnderLoad() async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.remove() }
        let nodes = try await TwoNodes.start(environment: ["SWARM_LIMITS_OPS_PER_SECOND": "100000", "SWARM_LIMITS_OPS_BURST": "100000"],
                                             postgresServer: cluster.url)
        defer { nodes.stop() }
        for port in [nodes.a.port, nodes.b.port] { try await Self.waitForReadyz(port, 200) }

        // Writers that retry each post with its idempotency key until it is acknowledged, on the
        // same node (reconnecting when the node refuses the hello while PostgreSQL is away).
        let urls = [nodes.a.url, nodes.b.url, nodes.a.url, nodes.b.url]
        let perWriter = 80
        let acked = Locked(0)
        let refusedWhileDown = Locked(0)
        let third = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (w, url) in urls.enumerated() {
                group.addTask {
                    let writer = RetryingWriter(url: url, token: w.isMultiple(of: 2) ? nodes.alice : nodes.bob)
                    for i in 0..<perWriter {
                        let refusals = try await writer.post("#general", "w\(w)-\(i)", key: "restart-w\(w)-\(i)")
                        refusedWhileDown.withLock { $0 += refusals }
                        if acked.withLock({ $0 += 1; return $0 }) == urls.count * perWriter / 3 { third.continuation.yield() }
                    }
                    await writer.close()
                }
            }
            group.addTask {
                for await _ in third.stream { break }
                try cluster.stop()
                // Down: neither node claims to be ready.
                for port in [nodes.a.port, nodes.b.port] { try await Self.waitForReadyz(port, 503) }
                try cluster.restart()
                for port in [nodes.a.port, nodes.b.port] { try await Self.waitForReadyz(port, 200, seconds: 60) }
            }
            try await group.waitForAll()
        }
        #expect(refusedWhileDown.withLock { $0 } > 0, "the writers did meet the outage")

        // Every acknowledged post stored exactly once (retries carried the first attempt's key),
        // and a member on each node got them all live, in seq order, once.
        let expected = Set((0..<urls.count).flatMap { w in (0..<perWriter).map { "w\(w)-\($0)" } })
        let check = try await TestClient.connect(url: nodes.b.url, token: nodes.alice)
        let stored = try await check.allBodies(in: "#general")
        #expect(stored.count == expected.count, "no post stored twice")
        #expect(Set(stored) == expected, "no post lost")
        await check.close()
    }

    /// Waits (with a deadline) until `/readyz` answers `status`; a refused connection counts as nothing yet.
    static func waitForReadyz(_ port: Int, _ status: Int, seconds: Double = 30) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        var last = 0
        while ContinuousClock.now < deadline {
            if let (data, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/readyz")!) {
                _ = data
                last = (response as? HTTPURLResponse)?.statusCode ?? 0
                if last == status { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Timeout(what: "/readyz on :\(port) to answer \(status) (last \(last))")
    }
}

/// Posts with an idempotency key until acknowledged, reconnecting as needed.
actor RetryingWriter {
    let url: String
    let token: String
    private var conn: SwarmConnection?

    init(url: String, token: String) {
        self.url = url
        self.token = token
    }

    /// Returns how many attempts were refused or failed before the one acknowledged.
    func post(_ channel: String, _ body: String, key: String) async throws -> Int {
        var failures = 0
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            do {
                if conn == nil { conn = try await SwarmConnection.connect(url: url, hello: HelloRequest(token: token, client: "restart-writer")) }
                _ = try await conn!.request(Op.messagePost.rawValue, MessagePostRequest(channel: channel, body: body, thread: nil, idempotencyKey: key), as: Message.self)
                return failures
            } catch let error as SwarmError where error.code == .unavailable {
                failures += 1
            } catch {
                failures += 1
                await conn?.close()
                conn = nil
            }
            // Backoff between attempts, as a client should while the database is away.
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Timeout(what: "\(body) to be acknowledged")
    }

    func close() async { await conn?.close() }
}

/// A throw-away PostgreSQL cluster (scripts/pg-cluster.sh) on a free port, for a test that stops it.
struct PostgresCluster {
    let dir: String
    let port: Int
    var url: String { "postgres://swarm@127.0.0.1:\(port)/postgres" }

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-cluster.sh").path
    }

    static func start() throws -> PostgresCluster {
        let cluster = PostgresCluster(dir: "/tmp/swarm-pg-\(UUID().uuidString.prefix(8).lowercased())", port: try freePort())
        try cluster.restart()
        return cluster
    }

    /// Starts it (initdb the first time).
    func restart() throws {
        let (status, _) = try runToEnd(URL(fileURLWithPath: "/bin/bash"), [Self.script, "start", dir, String(port)])
        guard status == 0 else { throw Timeout(what: "PostgreSQL to start in \(dir) (status \(status))") }
    }

    /// Fast shutdown: sessions are cut, as in a restart or a failover.
    func stop() throws {
        let (status, _) = try runToEnd(URL(fileURLWithPath: "/bin/bash"), [Self.script, "stop", dir])
        guard status == 0 else { throw Timeout(what: "PostgreSQL to stop in \(dir) (status \(status))") }
    }

    func remove() {
        try? stop()
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.removeItem(atPath: dir + ".initdb.log")
    }

    /// A TCP port nobody listens on right now (bound to 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw Timeout(what: "a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
