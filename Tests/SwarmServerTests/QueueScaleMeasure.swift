import Foundation
import GRDB
import SwarmProtocol
import Testing

/// Not a timed test: a measurement, run on demand with `SWARM_QUEUE_BENCH=100000 swift test
/// --skip-build --filter QueueScaleMeasure`. Seeds that many open cases straight into the store
/// (stored scores, waiting clocks and deadlines spread at random, seeded) and prints the latency of
/// `queue.list` top 50 over a real socket.
@Suite("Queue scale measurement", .hangGuard, .enabled(if: ProcessInfo.processInfo.environment["SWARM_QUEUE_BENCH"] != nil))
struct QueueScaleMeasure {
    @Test("queue.list top 50 over many open cases")
    func measure() async throws {
        let count = Int(ProcessInfo.processInfo.environment["SWARM_QUEUE_BENCH"] ?? "") ?? 100_000
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let now = Date()
            let seeding = ContinuousClock.now
            try await server.store.sqlitePool!.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.inTransaction {
                    var rng = SeededRandom(seed: 42)
                    let channel = try Int64.fetchOne(db, sql: "SELECT id FROM channels WHERE name = 'support'")!
                    let user = try Int64.fetchOne(db, sql: "SELECT id FROM users WHERE name = 'lena'")!
                    let at = ISO8601DateFormatter.string(from: now, timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
                    try db.execute(sql: "INSERT INTO customers(id, name, created_at, updated_at) VALUES (1000000, 'bench', ?, ?)", arguments: [at, at])
                    let message = try db.makeStatement(sql: "INSERT INTO messages(id, channel_id, author_id, body, created_at) VALUES (?, ?, ?, 'case', ?)")
                    let caseRow = try db.makeStatement(sql: """
                        INSERT INTO cases(id, title, customer_id, channel_id, thread_id, status, priority, opened_by, created_at, updated_at, sla_due_at)
                        VALUES (?, 'bench case', 1000000, ?, ?, 'new', 'normal', ?, ?, ?, ?)
                        """)
                    let queueRow = try db.makeStatement(sql: """
                        INSERT INTO case_queue(case_id, queued, channel_id, stored, parts, waiting_since, fingerprint) VALUES (?, 1, ?, ?, ?, ?, 'bench')
                        """)
                    func stamp(_ seconds: Double) -> String {
                        ISO8601DateFormatter.string(from: now.addingTimeInterval(seconds), timeZone: .gmt, formatOptions: [.withInternetDateTime, .withFractionalSeconds])
                    }
                    for i in 0..<count {
                        let id = Int64(1_000_000 + i)
                        try message.execute(arguments: [id, channel, user, at])
                        let opened = -Double(rng.next() % (30 * 86_400))
                        try caseRow.execute(arguments: [id, channel, id, user, stamp(opened), at, stamp(opened + 86_400)])
                        // The stored score is the sum of its stored parts, as refreshQueue keeps it.
                        let stored = Int(rng.next() % 150)
                        try queueRow.execute(arguments: [id, channel, stored, "[{\"points\":\(stored),\"kind\":\"priority\",\"label\":\"bench\"}]", stamp(opened)])
                    }
                    return .commit
                }
                try db.execute(sql: "PRAGMA foreign_keys = ON")
            }
            print("seeded \(count) open cases in \(ContinuousClock.now - seeding)")
            var times: [Double] = []
            for _ in 0..<200 {
                let start = ContinuousClock.now
                let reply = try await lead.request(.queueList, QueueListRequest(limit: 50), as: QueueListReply.self)
                let d = ContinuousClock.now - start
                times.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                #expect(reply.items.count == 50)
            }
            times.sort()
            print("queue.list top 50 over \(count) open cases: p50 \(times[100]) ms, p99 \(times[197]) ms, max \(times[199]) ms")
        }
    }
}
