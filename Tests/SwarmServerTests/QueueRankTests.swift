import Foundation
import GRDB
import SwarmCore
import SwarmProtocol
@testable import SwarmStore
import Testing

/// The queue's walk (`rankQueue`) reads only the rows its bound says can matter; these tests hold
/// it to the plain definition (PROTOCOL §22.1): every queued case the reader may see, scored at
/// `now`, best score first, then the longer wait, then the older case. The seeded cases share
/// stored scores, waits and deadlines on purpose, and include answered, paused, future-dated,
/// owned, private, swarmed and closed cases; three readers, several limits and times.
@Suite("Queue ranking equals the definition", .hangGuard, .enabled(if: TestBackend.isSQLite, "seeds and checks through GRDB"))
struct QueueRankTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let times = [now, now.addingTimeInterval(4 * 3600), now.addingTimeInterval(2 * 86_400)]

    /// Users lena (lead), bob (agent, in #desk only) and mia (marketing), the public #desk and
    /// private #vault, and `count` cases with their queue rows, straight into the store.
    static func seed(_ db: Database, count: Int, fingerprint: String) throws {
        let at = Timestamp.format(now)
        for sql in ["INSERT INTO users(id, name, role, created_at) VALUES (101, 'rank-lena', 'lead', ?1), (102, 'rank-bob', 'agent', ?1), (103, 'rank-mia', 'marketing', ?1)",
                    "INSERT INTO channels(id, name, kind, topic, created_by, created_at) VALUES (101, 'desk', 'public', '', 101, ?1), (102, 'vault', 'private', '', 101, ?1)",
                    "INSERT INTO members(channel_id, user_id, joined_at) VALUES (101, 101, ?1), (102, 101, ?1), (101, 102, ?1)",
                    "INSERT INTO customers(id, name, created_at, updated_at) VALUES (5000, 'Ranked', ?1, ?1)"] {
            try db.execute(sql: sql, arguments: [at])
        }
        var rng = SeededRandom(seed: 7)
        func pick<T>(_ list: [T]) -> T { list[Int(rng.next() % UInt64(list.count))] }
        func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        // A few values each, often exact (ties), sometimes a few milliseconds off.
        func stamp(_ offsets: [Double]) -> String {
            Timestamp.format(now.addingTimeInterval(pick(offsets) + (chance(50) ? Double(rng.next() % 5000) / 1000 : 0)))
        }
        let waits: [Double] = [600, 0, -1800, -3 * 3600, -(10 * 3600 - 60), -10 * 3600, -(10 * 3600 + 1), -2 * 86_400, -5 * 86_400]
        let dues: [Double] = [-3 * 86_400, -3600, 0, 1800, 2 * 3600, 4 * 3600 - 60, 4 * 3600, 86_400, 3 * 86_400]
        let storedScores = [-10, 0, 5, 12, 15, 24, 30, 42, 45, 60]
        for i in 0..<count {
            let id = Int64(10_000 + i)
            let channel: Int64 = chance(70) ? 101 : 102
            let closed = chance(5)
            let paused = !closed && chance(15)
            let status = closed ? "solved" : paused ? "pending" : pick(["new", "open"])
            let owner: Int64? = chance(10) ? 101 : nil
            try db.execute(sql: "INSERT INTO messages(id, channel_id, author_id, body, created_at) VALUES (?, ?, 101, 'case', ?)", arguments: [id, channel, at])
            try db.execute(sql: """
                INSERT INTO cases(id, title, customer_id, channel_id, thread_id, status, priority, owner_id, opened_by, created_at, updated_at,
                                  sla_due_at, first_response_at)
                VALUES (?, 'ranked case', 5000, ?, ?, ?, ?, ?, 101, ?, ?, ?, ?)
                """, arguments: [id, channel, id, status, pick(["low", "normal", "high", "urgent"]), owner, at, at, stamp(dues),
                                 chance(50) ? nil : at])
            let stored = pick(storedScores)
            let parts = stored == 0 ? "[]" : "[{\"points\":\(stored),\"kind\":\"priority\",\"label\":\"ranked \(stored)\"}]"
            try db.execute(sql: """
                INSERT INTO case_queue(case_id, queued, channel_id, owner_id, paused, stored, parts, waiting_since, fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, !closed, channel, owner, paused, stored, parts, chance(15) ? nil : stamp(waits), fingerprint])
            if chance(5) {
                try db.execute(sql: "INSERT INTO case_swarm(case_id, user_id, invited_at) VALUES (?, 103, ?)", arguments: [id, at])
            }
        }
    }

    /// The definition, by brute force over every queued case: "id score waited why" per line.
    static func expected(_ db: Database, _ p: Principal, owner: String?, limit: Int, now: Date, weights: QueueWeights) throws -> [String] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT q.case_id, q.parts, q.waiting_since, q.paused, q.owner_id, c.sla_due_at, c.first_response_at, ch.kind, ch.name,
                   EXISTS(SELECT 1 FROM members m WHERE m.channel_id = q.channel_id AND m.user_id = ?1) AS member,
                   EXISTS(SELECT 1 FROM case_swarm s WHERE s.case_id = q.case_id AND s.user_id = ?1) AS swarmed
            FROM case_queue q JOIN cases c ON c.id = q.case_id JOIN channels ch ON ch.id = q.channel_id WHERE q.queued = 1
            """, arguments: [p.id])
        var scored: [(id: Int64, score: Int, waited: Int, why: String)] = []
        for row in rows {
            let facts = CaseVisibility.Facts(channelKind: ChannelKind(rawValue: row["kind"]) ?? .private, channelName: row["name"],
                                             isMember: row["member"], isSwarmed: row["swarmed"])
            guard CaseVisibility.maySee(CaseVisibility.Reader(role: p.role), facts) else { continue }
            let ownerId: Int64? = row["owner_id"]
            if owner == "none", ownerId != nil { continue }
            if owner == "me", ownerId != p.id { continue }
            let clock = QueueScore.Clock(waitingSince: (row["waiting_since"] as String?).flatMap(Timestamp.parse),
                                         slaDue: (row["sla_due_at"] as String?).flatMap(Timestamp.parse),
                                         firstResponsePending: (row["first_response_at"] as String?) == nil, paused: row["paused"])
            let parts = try JSONDecoder().decode([QueueScorePart].self, from: Data((row["parts"] as String).utf8)) + QueueScore.timed(clock, now: now, weights)
            let waited = clock.paused ? 0 : clock.waitingSince.map { max(0, Int(now.timeIntervalSince($0))) } ?? 0
            scored.append((row["case_id"], QueueScore.total(parts), waited, QueueScore.explain(parts)))
        }
        scored.sort { a, b in a.score != b.score ? a.score > b.score : a.waited != b.waited ? a.waited > b.waited : a.id < b.id }
        return scored.prefix(limit).map { "\(Ids.make(.case, $0.id)) \($0.score) \($0.waited) \($0.why)" }
    }

    static func compare(_ server: TestServer) async throws {
        let weights = server.store.queueRules.weights
        let readers = [("rank-lena", nil), ("rank-lena", "none"), ("rank-lena", "me"), ("rank-bob", nil), ("rank-mia", nil)] as [(String, String?)]
        for (name, owner) in readers {
            let p = try await server.store.principal(name)
            for now in times {
                for limit in [1, 7, 50, 200] {
                    let got = try await server.store.queueList(p, QueueListRequest(owner: owner, limit: limit), now: now).items
                        .map { "\($0.caseInfo.id) \($0.score) \($0.waitingSeconds) \($0.why)" }
                    let want = try await server.store.sqlitePool!.read { db in try Self.expected(db, p, owner: owner, limit: limit, now: now, weights: weights) }
                    #expect(!want.isEmpty || name == "rank-mia")
                    #expect(got == want, "\(name) owner \(owner ?? "any") limit \(limit) at +\(now.timeIntervalSince(Self.now)) s")
                }
            }
        }
    }

    @Test("queue.list gives exactly the brute-force order, scores and breakdowns; queue.next takes the best case the caller may take")
    func sameAsDefinition() async throws {
        try await withServer { server in
            try await server.store.sqlitePool!.write { db in try Self.seed(db, count: 1500, fingerprint: server.store.queueRules.fingerprint) }
            try await Self.compare(server)
            // bob may take unowned new/open cases of #desk (no skill tags here): the best of those.
            let bob = try await server.store.principal("rank-bob")
            let weights = server.store.queueRules.weights
            let best = try await server.store.sqlitePool!.read { db in
                try Self.expected(db, bob, owner: "none", limit: 1500, now: Self.now, weights: weights)
            }
            let takeable = try await server.store.sqlitePool!.read { db in
                Set(try Int64.fetchAll(db, sql: "SELECT case_id FROM case_queue WHERE queued = 1 AND paused = 0 AND owner_id IS NULL AND channel_id = 101")
                    .map { Ids.make(.case, $0) })
            }
            let first = try #require(best.first { takeable.contains(String($0.prefix { $0 != " " })) })
            let taken = try #require(try await server.store.queueNext(bob, QueueNextRequest(), now: Self.now).item)
            #expect("\(taken.caseInfo.id) \(taken.score) \(taken.waitingSeconds) \(taken.why)" == first)
            #expect(taken.caseInfo.ownerName == "rank-bob")
        }
    }

    @Test("a database queued before v14-queue-speed ranks the same after the upgrade")
    func upgraded() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-rank-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("swarm.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v12-reports")
        // Scored with other rules: start-up re-scores them (their priorities), as after any upgrade.
        try await queue.write { db in try Self.seed(db, count: 600, fingerprint: "v12") }
        try queue.close()
        try await withServer(configure: { $0.databasePath = path }) { server in
            #expect(try await server.store.sqlitePool!.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_queue WHERE queued = 1 AND fingerprint = 'v12'") } == 0)
            try await Self.compare(server)
        }
    }
}
