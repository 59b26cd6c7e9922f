import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwarmClient
import SwarmProtocol
import Testing

/// PostgreSQL that stops answering without closing its sockets (every process of the cluster
/// SIGSTOPped: a frozen VM, a partition, a stuck server). Unlike a restart nothing fails by
/// itself: before the deadlines (`storage.statement_timeout_ms`) a query future waited forever and
/// the request behind it never got its answer. On a cluster of the test's own.
@Suite("Several nodes over a PostgreSQL that stops answering", .hangGuard, .serialized, .enabled(if: !TestBackend.isSQLite))
struct NodesPostgresStallTests {
    @Test("PostgreSQL stopped: requests on both nodes answer unavailable, /readyz 503, the nodes stay up; resumed: writes succeed, nothing acknowledged lost")
    func stoppedServer() async throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.remove() }
        let nodes = try await TwoNodes.start(environment: [
            "SWARM_LIMITS_OPS_PER_SECOND": "100000", "SWARM_LIMITS_OPS_BURST": "100000",
            "SWARM_STORAGE_STATEMENT_TIMEOUT_MS": "1000", "SWARM_STORAGE_TRANSACTION_TIMEOUT_MS": "3000",
        ], postgresServer: cluster.url)
        defer { nodes.stop() }
        for port in [nodes.a.port, nodes.b.port] { try await NodesPostgresRestartTests.waitForReadyz(port, 200) }

        let alice = try await TestClient.connect(url: nodes.a.url, token: nodes.alice)
        let bob = try await TestClient.connect(url: nodes.b.url, token: nodes.bob)
        var expected: Set<String> = []
        for i in 0..<5 {
            _ = try await alice.post("#general", "before-\(i)", key: "stall-before-\(i)")
            expected.insert("before-\(i)")
        }

        try cluster.freeze()
        // Declared after the nodes' defer, so it runs first: the nodes stop against a live server.
        defer { cluster.thaw() }

        // Writes on A and reads on B, twice each (the second finds the first's connection dropped
        // and a new one that cannot open): every one is answered, with `unavailable`.
        for round in 0..<2 {
            let post = MessagePostRequest(channel: "#general", body: "during-\(round)", thread: nil, idempotencyKey: "stall-during-\(round)")
            let write = try await Self.answered("a post while PostgreSQL is stopped") { try await alice.refusal(.messagePost, post) }
            #expect(write == .unavailable)
            let read = try await Self.answered("a history read while PostgreSQL is stopped") {
                try await bob.refusal(.history, HistoryRequest(channel: "#general"))
            }
            #expect(read == .unavailable)
        }
        for port in [nodes.a.port, nodes.b.port] {
            try await NodesPostgresRestartTests.waitForReadyz(port, 503)
            // Still serving: the process is up and answers HTTP.
            let (_, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
        }

        cluster.thaw()
        for port in [nodes.a.port, nodes.b.port] { try await NodesPostgresRestartTests.waitForReadyz(port, 200, seconds: 60) }

        // The refused posts, retried with their keys, and new ones on both nodes are acknowledged;
        // a post on A still reaches a member on B live (B's log tail came back too).
        for (round, url) in [nodes.a.url, nodes.b.url].enumerated() {
            let writer = RetryingWriter(url: url, token: round == 0 ? nodes.alice : nodes.bob)
            _ = try await writer.post("#general", "during-\(round)", key: "stall-during-\(round)")
            _ = try await writer.post("#general", "after-\(round)", key: "stall-after-\(round)")
            await writer.close()
            expected.formUnion(["during-\(round)", "after-\(round)"])
        }
        _ = try await alice.post("#general", "live", key: "stall-live")
        expected.insert("live")
        try await bob.event("message.new") { $0.data?["body"]?.string == "live" }

        let stored = try await bob.allBodies(in: "#general")
        #expect(stored.count == expected.count, "no post stored twice")
        #expect(Set(stored) == expected, "no acknowledged post lost")
        await alice.close()
        await bob.close()
    }

    /// `body`'s result, or `Timeout` if it has none after 60 s: with the deadlines an answer comes
    /// within a few seconds; without them it never came.
    static func answered<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Timeout(what: what) }
            return value
        }
    }
}

extension PostgresCluster {
    /// SIGSTOP to the postmaster, then to every process it started (backends, checkpointer, …):
    /// sockets stay open and connections are still accepted by the kernel, but nothing answers.
    func freeze() throws {
        let master = try postmaster()
        kill(master, SIGSTOP)
        for pid in Self.children(of: master) { kill(pid, SIGSTOP) }
    }

    /// SIGCONT to the same processes.
    func thaw() {
        guard let master = try? postmaster() else { return }
        for pid in Self.children(of: master) { kill(pid, SIGCONT) }
        kill(master, SIGCONT)
    }

    /// The postmaster's pid: the first line of `postmaster.pid` in the data directory.
    private func postmaster() throws -> pid_t {
        let text = try String(contentsOfFile: dir + "/postmaster.pid", encoding: .utf8)
        guard let line = text.split(separator: "\n").first, let pid = pid_t(line) else { throw Timeout(what: "the postmaster's pid in \(dir)") }
        return pid
    }

    /// Processes whose parent is `parent`, from /proc/PID/stat ("pid (comm) state ppid …"; comm
    /// may hold spaces and parentheses, so the fields are read after the last ')').
    private static func children(of parent: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }
}
