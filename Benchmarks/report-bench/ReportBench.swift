import ArgumentParser
import BenchSupport
import Foundation
import GRDB
import SwarmProtocol
import SwarmStore

/// `report.get` over 30 days on a deterministic data set (issue 12: 1,000,000 interactions over
/// 100,000 cases). The rows are written straight into the database (the ops would take hours on
/// this machine); the report is then read through the store the way the op handler does.
@main
struct ReportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report-bench", abstract: "Measures report.get over 30 days.")

    @Option(help: "Cases to generate (10 interactions each).") var cases = 100_000
    @Option(help: "Timed report.get calls per variant.") var runs = 20
    @Option(help: "Directory for the temporary database.") var dir = NSTemporaryDirectory()
    @Flag(help: "Keep the database (to rerun with --existing).") var keep = false
    @Option(help: "Directory of a database a --keep run left (same --cases): skips seeding and the rollup rebuild.")
    var existing: String?
    @Option(help: "Time only this grouping (none, day, channel, owner); repeatable.") var group: [String] = []
    @Flag(help: "Skip the contact-by-contact baseline (for profiling; no ratio, no figure check).") var skipBaseline = false

    func run() async throws {
        let bench = try await BenchServer.start(label: "report-bench", parent: dir, keep: keep, existing: existing)
        defer { bench.removeDatabase() }
        let store = bench.server.store
        let start = Date(timeIntervalSince1970: 1_772_323_200)  // 2026-03-01T00:00:00Z
        let lead = Principal(id: 1, name: "lead", role: .lead)
        if existing == nil {
            let seeded = Date()
            try await seed(store, cases: cases, start: start)
            print(String(format: "seeded %d cases, %d interactions in %.1f s", cases, cases * 10, Date().timeIntervalSince(seeded)))
            // The rows went straight into the tables, past the writes that keep the report rollups.
            let rolled = Date()
            try await store.rebuildReportRollups()
            print(String(format: "report rollups rebuilt in %.1f s (the v13 migration's backfill)", Date().timeIntervalSince(rolled)))
            // The seeded case threads went past the message search index too: read them before measuring.
            _ = try await store.messageIndexCaughtUp(within: .seconds(3600))
        }
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        let from = style.format(start), to = style.format(start.addingTimeInterval(30 * 86_400))
        // Baseline in the same run (other builds share the cores): the contact-by-contact path,
        // which reads every contact of the period as report.get did before the rollups.
        let plain = ReportGetRequest(from: from, to: to)
        var expected: ReportGetReply?
        var baseline: LatencyStats?
        if !skipBaseline {
            baseline = try await LatencyStats.measure(max(3, runs / 4), warm: 1) { _ in expected = try await store.report(lead, plain, now: Date(), byContacts: true) }
            print("baseline: report.get 30 days by contacts: \(baseline!)")
        }
        for group in [nil, ReportGrouping.day, .channel, .owner] where self.group.isEmpty || self.group.contains(group?.rawValue ?? "none") {
            let request = ReportGetRequest(from: from, to: to, groupBy: group)
            var reply: ReportGetReply?
            var cpu: [Double] = []
            let stats = try await LatencyStats.measure(runs, warm: 2) { _ in
                let before = LatencyStats.processCPUMilliseconds()
                reply = try await store.report(lead, request)
                cpu.append(LatencyStats.processCPUMilliseconds() - before)
            }
            // The warm-up calls are in `cpu` too; the timed ones are the last `runs`.
            let cpuStats = LatencyStats(samples: Array(cpu.suffix(runs)))
            let ratio = baseline.map { String(format: "%.3f", stats.p99 / max($0.p50, 1e-9)) } ?? "-"
            print("report.get 30 days, group_by \(group?.rawValue ?? "none"): \(stats)  (inbound \(reply?.figures.inbound ?? 0); p99/baseline p50 \(ratio))")
            print(String(format: "    process CPU per call: p50 %.1f ms, p99 %.1f ms", cpuStats.p50, cpuStats.p99))
            if group == nil, let expected, reply?.figures != expected.figures { print("MISMATCH: the rollup figures differ from the contact-by-contact figures") }
        }
    }

    /// Deterministic: case i belongs to customer i % 20,000, owner agent i % 20, starts at
    /// i × (30 days / cases); its 10 contacts alternate inbound and outbound 7 minutes apart on
    /// channel i % 4; two cases in three are solved, one in three closed, one in five handed off.
    func seed(_ store: SQLiteStore, cases: Int, start: Date) async throws {
        // Seconds since 1970; SQLite formats them (`T(?)` below) in the stored RFC 3339 form.
        let origin = start.timeIntervalSince1970
        @Sendable func at(_ seconds: Double) -> Double { origin + seconds }
        let channels = ["email", "twitter", "whatsapp", "webchat"]
        let T = "strftime('%Y-%m-%dT%H:%M:%fZ', ?, 'unixepoch')"
        try await store.sqlitePool!.write { db in
            let now = "2026-03-01T00:00:00.000Z"
            try db.execute(sql: "INSERT INTO users(id, name, role, created_at) VALUES (1, 'lead', 'lead', ?)", arguments: [now])
            for a in 0..<20 { try db.execute(sql: "INSERT INTO users(id, name, role, created_at) VALUES (?, ?, 'agent', ?)", arguments: [a + 2, "agent\(a)", now]) }
            try db.execute(sql: "INSERT INTO channels(id, name, kind, created_at) VALUES (1, 'support', 'public', ?)", arguments: [now])
            let customers = min(cases, 20_000)
            for c in 0..<customers { try db.execute(sql: "INSERT INTO customers(id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", arguments: [c + 1, "c\(c)", now, now]) }
            let step = 30 * 86_400.0 / Double(cases)
            let message = try db.makeStatement(sql: "INSERT INTO messages(id, channel_id, author_id, body, created_at) VALUES (?, 1, 1, 'case', \(T))")
            let caseRow = try db.makeStatement(sql: """
                INSERT INTO cases(id, title, customer_id, channel_id, thread_id, status, priority, owner_id, opened_by, created_at, updated_at, sla_due_at,
                                  first_response_at, solved_at)
                VALUES (?, 't', ?, 1, ?, ?, 'normal', ?, 1, \(T), \(T), \(T), \(T), \(T))
                """)
            let contact = try db.makeStatement(sql: """
                INSERT INTO timeline(customer_id, case_id, kind, at, channel, direction, author, text, by_user, account, dedicated)
                VALUES (?, ?, 'interaction', \(T), ?, ?, 'x', 'text', ?, ?, ?)
                """)
            let status = try db.makeStatement(sql: "INSERT INTO timeline(customer_id, case_id, kind, at, text, by_user, data) VALUES (?, ?, 'status', \(T), 'status', ?, ?)")
            for i in 0..<cases {
                let id = i + 1, customer = i % customers + 1, owner = i % 20 + 2
                let t0 = Double(i) * step
                let solved = i % 3 != 2, closed = i % 3 == 0
                try message.execute(arguments: [id, at(t0)])
                try caseRow.execute(arguments: [id, customer, id, closed ? "closed" : solved ? "solved" : "open", owner, at(t0), at(t0), at(t0 + 86_400),
                                                at(t0 + 420), solved ? at(t0 + 4_000 + Double(i % 50) * 600) : nil])
                for k in 0..<10 {
                    let inbound = k % 2 == 0
                    try contact.execute(arguments: [customer, id, at(t0 + Double(k) * 420), channels[i % 4], inbound ? "inbound" : "outbound",
                                                    inbound ? nil : owner, i % 4 == 1 ? "@acme_care" : nil, i % 4 == 1 ? true : nil])
                }
                if closed {
                    try status.execute(arguments: [customer, id, at(t0 + 90_000), owner, #"{"from":"solved","to":"closed"}"#])
                }
                if i % 5 == 0 {
                    try db.execute(sql: "INSERT INTO handoffs(case_id, from_user, to_user, note, at) VALUES (?, ?, ?, 'n', \(T))", arguments: [id, owner, owner, at(t0 + 600)])
                }
            }
        }
    }
}
