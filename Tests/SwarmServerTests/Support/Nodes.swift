import Foundation
import SwarmClient
import SwarmProtocol
import SwarmStore
import Testing

/// Two `swarmd` processes on one database, seeded like `ChildServer.seedAliceAndBob`: one SQLite
/// file, or with SWARM_TEST_POSTGRES_URL a fresh PostgreSQL database (`TestBackend`).
struct TwoNodes {
    let dir: URL
    let db: String
    let a: ChildServer
    let b: ChildServer
    let alice: String
    let bob: String
    /// What points `swarmd` (serve and admin) at the shared database: empty on SQLite (`--db`).
    let storage: [String: String]
    /// The PostgreSQL server holding the database, nil on SQLite.
    let postgresServer: String?
    /// The PostgreSQL database's URL, nil on SQLite.
    var postgresURL: String? { storage["SWARM_STORAGE_URL"] }

    /// `postgresServer`: a PostgreSQL server of the test's own (one it restarts) instead of the suite's.
    static func start(environment: [String: String] = [:], others: [String] = [],
                      postgresServer: String? = TestBackend.postgresURL) async throws -> TwoNodes {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("swarm.sqlite").path
        let storage = try await storageEnvironment(dir, server: postgresServer)
        let (alice, bob) = try ChildServer.seedAliceAndBob(db: db, others: others, environment: storage)
        let env = environment.merging(storage) { _, new in new }
        let a = try await ChildServer.start(db: db, environment: env)
        let b = try await ChildServer.start(db: db, environment: env)
        return TwoNodes(dir: dir, db: db, a: a, b: b, alice: alice, bob: bob, storage: storage, postgresServer: postgresServer)
    }

    /// On PostgreSQL: a database of its own for these nodes, named after their directory.
    static func storageEnvironment(_ dir: URL, server: String?) async throws -> [String: String] {
        guard let server else { return [:] }
        let name = TestBackend.databaseName(dir)
        try await PostgresDatabases.create(name, serverURL: server)
        return ["SWARM_STORAGE_BACKEND": "postgres", "SWARM_STORAGE_URL": try PostgresDatabases.url(server, database: name)]
    }

    func stop() {
        a.terminate()
        b.terminate()
        try? FileManager.default.removeItem(at: dir)
        if let server = postgresServer {
            let name = TestBackend.databaseName(dir)
            Task { try? await PostgresDatabases.drop(name, serverURL: server) }
        }
    }

    /// Adds a user with `swarmd admin` and returns its token.
    func addUser(_ name: String, role: Role = .agent) throws -> String {
        let out = try ChildServer.run(["admin", "user", "add", name, "--role", role.rawValue, "--db", db], environment: storage).output
        return String(try #require(out.split(separator: "\n").first { $0.hasPrefix("token: ") }).dropFirst(7))
    }
}

/// A reader that follows the log over a list of nodes the way a client must (PROTOCOL §27): when
/// its node drops it says hello to the next with `after` = the last seq it saw. It records every
/// `message.new` it received, so a test can check for gaps and duplicates across the failover.
final class FailoverReader: Sendable {
    struct Received: Sendable, Equatable {
        var seq: Int64
        var body: String
    }

    let urls: [String]
    let token: String
    let log = ReaderLog()
    private let task = Locked<Task<Void, Never>?>(nil)
    private let stopped = Locked(false)

    init(urls: [String], token: String) {
        self.urls = urls
        self.token = token
    }

    /// Connects to the first node and waits for its `ready`, then follows in the background.
    func start() async throws {
        let t = Task { await self.run() }
        task.withLock { $0 = t }
        try await log.wait(seconds: 30, "the reader's first ready") { $0.connections > 0 && $0.ready }
    }

    private func run() async {
        var failedInRow = 0
        while !stopped.withLock({ $0 }) {
            let (url, after) = await log.next(urls)
            do {
                let conn = try await SwarmConnection.connect(url: url, hello: HelloRequest(token: token, client: "failover-reader", after: after))
                await log.connected(head: conn.hello?.seq ?? 0)
                failedInRow = 0
                for await frame in conn.events {
                    if frame.ev == EventName.ready.rawValue { await log.ready(); continue }
                    guard let seq = frame.seq else { continue }
                    await log.add(seq: seq, body: frame.ev == EventName.messageNew.rawValue ? frame.data?["body"]?.string : nil)
                }
                if stopped.withLock({ $0 }) { await conn.close() }
            } catch {
                failedInRow += 1
                // Every node refused many times in a row: the test's deadline decides, not a retry storm.
                if failedInRow >= urls.count * 50 { return }
            }
            await log.failedOver(urls.count)
        }
    }

    func stop() {
        stopped.withLock { $0 = true }
        task.withLock { $0 }?.cancel()
    }
}

/// What a `FailoverReader` saw, and tests waiting (with a deadline) for it to see something.
actor ReaderLog {
    struct State: Sendable {
        var received: [FailoverReader.Received] = []
        var lastSeq: Int64?
        var node = 0
        var connections = 0
        var ready = false
    }

    private(set) var state = State()
    private var waiters: [Int: (predicate: @Sendable (State) -> Bool, cont: CheckedContinuation<Void, any Error>)] = [:]
    private var nextWaiter = 0

    func next(_ urls: [String]) -> (String, Int64?) { (urls[state.node], state.lastSeq) }

    func connected(head: Int64) {
        state.connections += 1
        state.ready = false
        if state.lastSeq == nil { state.lastSeq = head }
        changed()
    }

    func ready() {
        state.ready = true
        changed()
    }

    func add(seq: Int64, body: String?) {
        state.lastSeq = max(state.lastSeq ?? seq, seq)
        if let body { state.received.append(.init(seq: seq, body: body)) }
        changed()
    }

    func failedOver(_ count: Int) {
        state.node = (state.node + 1) % count
        changed()
    }

    private func changed() {
        for (id, w) in waiters where w.predicate(state) {
            waiters[id] = nil
            w.cont.resume()
        }
    }

    /// Returns once `predicate` holds, or throws `Timeout` after `seconds`.
    func wait(seconds: Double, _ what: String, _ predicate: @escaping @Sendable (State) -> Bool) async throws {
        if predicate(state) { return }
        let id = nextWaiter
        nextWaiter += 1
        let deadline = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            await self?.expire(id, what: what)
        }
        defer { deadline.cancel() }
        try await withCheckedThrowingContinuation { waiters[id] = (predicate, $0) }
    }

    private func expire(_ id: Int, what: String) {
        waiters.removeValue(forKey: id)?.cont.resume(throwing: Timeout(what: what))
    }
}
