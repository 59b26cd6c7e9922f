import Foundation
import GRDB
import Logging
import SwarmProtocol
@testable import SwarmStore
import Testing

/// The report rollups (`v13-report-rollups`) against the contact-by-contact report and against a
/// rebuild from scratch, after every kind of write that feeds them: contacts in and out, a bot's
/// relay, taking a case, a hand-off, a duplicate, a redirect, status changes, CSAT, topics, a
/// customer merge.
@Suite("Report rollups", .hangGuard)
struct ReportRollupTests {
    /// Lead's reports compared: March 2 by hour (and narrowed), and the whole year grouped each way.
    static let requests: [ReportGetRequest] = {
        var out: [ReportGetRequest] = []
        let day = ("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"), year = ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")
        for g in [nil, ReportGrouping.hour, .channel, .owner, .account] { out.append(ReportGetRequest(from: day.0, to: day.1, groupBy: g)) }
        for g in [nil, ReportGrouping.day, .channel, .owner, .account] { out.append(ReportGetRequest(from: year.0, to: year.1, groupBy: g)) }
        out.append(ReportGetRequest(from: year.0, to: year.1, owner: "anna", groupBy: .channel))
        out.append(ReportGetRequest(from: year.0, to: year.1, team: "#support", groupBy: .owner))
        out.append(ReportGetRequest(from: year.0, to: year.1, channel: .whatsapp, groupBy: .channel))
        out.append(ReportGetRequest(from: day.0, to: day.1, channel: .email, groupBy: .account))
        return out
    }()

    /// Every rollup row, as text, in a fixed order.
    static func dump(_ store: SQLiteStore) async throws -> [String] {
        try await store.backend.read { db in
            var out: [String] = []
            for sql in ["SELECT * FROM report_cases ORDER BY case_id",
                        "SELECT * FROM report_case_contacts ORDER BY case_id, \(ReportRollups.keys)",
                        "SELECT * FROM report_contact_hours WHERE n <> 0 ORDER BY \(ReportRollups.keys)",
                        "SELECT * FROM report_contact_days ORDER BY day, \(ReportRollups.dayKeys), answer_day"] {
                out += try db.fetchAll(sql).map { "\($0.values)" }
            }
            return out
        }
    }

    /// The rollups equal a rebuild from scratch, and every report from them equals the contact-by-contact one.
    static func check(_ server: TestServer, _ step: String) async throws {
        let store = server.store
        let lead = try await store.backend.read { db in
            Principal(id: try db.fetchOne(Int64.self, "SELECT id FROM users WHERE name = 'lena'")!, name: "lena", role: .lead)
        }
        let now = Date()
        for req in requests {
            let fast = try await store.report(lead, req, now: now, byContacts: false)
            let exact = try await store.report(lead, req, now: now, byContacts: true)
            #expect(fast == exact, "\(step): \(req.from) \(req.groupBy?.rawValue ?? "-") owner \(req.owner ?? "-") team \(req.team ?? "-")")
        }
        let kept = try await dump(store)
        try await store.rebuildReportRollups()
        #expect(try await dump(store) == kept, "\(step): rollups differ from a rebuild")
    }

    @Test("every kind of write keeps the rollups equal to a rebuild, and the reports equal to counting each contact")
    func everyWrite() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            let anna = try await server.client("anna")
            _ = try await server.user("bob")
            _ = try await lead.createChannel("support", members: ["anna", "bob"])
            let (_, botToken) = try await server.store.createBot(name: "wa-bot", scopes: ["case.interaction", "case.update"], channels: ["support*"])
            let bot = try await TestClient.connect(url: server.url, token: botToken)
            func contact(_ caseId: String?, _ by: TestClient, _ channel: ContactChannel, _ direction: Direction, _ at: String, text: String = "hello",
                         identity: Identity? = nil, account: String? = nil, kind: String? = nil, redirectTo: String? = nil) async throws -> InteractionReply {
                try await by.request(.caseInteraction, InteractionRequest(caseId: caseId, identity: identity, channel: channel, direction: direction, text: text,
                                                                          at: at, account: account, kind: kind, redirectTo: redirectTo), as: InteractionReply.self)
            }

            let a = try await anna.request(.caseOpen, CaseOpenRequest(title: "parcel", identity: Identity(channel: .whatsapp, handle: "+39 1"), channel: "#support"),
                                           as: Case.self)
            try await Self.check(server, "case opened")
            _ = try await contact(a.id, anna, .whatsapp, .inbound, "2026-03-02T09:00:00Z", text: "where is it?", account: "+15550100")
            try await Self.check(server, "inbound")
            _ = try await contact(a.id, anna, .whatsapp, .outbound, "2026-03-02T09:05:00Z")
            try await Self.check(server, "response")
            // Hours before 1970 are counted in their own (negative) days, by the write path and a rebuild alike.
            _ = try await contact(a.id, anna, .whatsapp, .inbound, "1969-12-31T22:30:00Z", text: "an old letter")
            try await Self.check(server, "a contact before 1970")

            // A bot opens a case from a contact and relays a response: credited to the owner once there is one.
            let b = try await contact(nil, bot, .email, .inbound, "2026-03-02T10:10:00Z", text: "refund?", identity: Identity(channel: .email, handle: "m@x.org"))
            _ = try await contact(b.caseId, bot, .email, .outbound, "2026-03-02T11:20:00Z", text: "we are on it")
            try await Self.check(server, "bot relay, unowned")
            _ = try await anna.request(.caseUpdate, CaseUpdateRequest(caseId: b.caseId, owner: "me"), as: Case.self)
            try await Self.check(server, "taken")

            _ = try await lead.request(.caseHandoff, CaseHandoffRequest(caseId: a.id, to: "@bob", note: "Please follow the parcel with the courier today."))
            try await Self.check(server, "hand-off")
            _ = try await contact(a.id, anna, .whatsapp, .inbound, "2026-03-02T09:30:00Z", text: "where is it?", account: "+15550100")
            try await Self.check(server, "duplicate")
            _ = try await contact(a.id, anna, .whatsapp, .outbound, "2026-03-02T09:40:00Z", text: "please call us", kind: "redirect", redirectTo: "phone")
            try await Self.check(server, "redirect")
            // A response written later but sent earlier than an answered contact (out of order).
            _ = try await contact(b.caseId, anna, .email, .inbound, "2026-03-02T12:00:00Z", text: "any news?")
            _ = try await contact(b.caseId, anna, .email, .outbound, "2026-03-02T10:30:00Z", text: "checking")
            try await Self.check(server, "out of order")

            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: a.id, status: .solved), as: Case.self)
            try await Self.check(server, "solved")
            _ = try await lead.request(.caseCsat, CaseCSATRequest(caseId: a.id, score: 4), as: Case.self)
            try await Self.check(server, "csat")
            _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: a.id, status: .closed), as: Case.self)
            try await Self.check(server, "closed")
            _ = try await lead.request(.caseTopics, CaseTopicsRequest(caseId: b.caseId, add: ["refund"]), as: Case.self)
            try await Self.check(server, "topics")

            // A case that started in February on email and is answered in March on twitter: in a
            // March report grouped by channel it names an empty "email" group.
            let c = try await anna.request(.caseOpen, CaseOpenRequest(title: "old", identity: Identity(channel: .email, handle: "o@x.org"), channel: "#support"),
                                           as: Case.self)
            _ = try await contact(c.id, anna, .email, .inbound, "2026-02-20T08:00:00Z", text: "still broken")
            _ = try await contact(c.id, anna, .twitter, .outbound, "2026-03-02T08:15:00Z", text: "sorry", account: "@acme_care")
            try await Self.check(server, "February case")

            _ = try await lead.request(.customerMerge, CustomerMergeRequest(into: a.customer, from: c.customer))
            try await Self.check(server, "customers merged")
        }
    }

    /// The SLA scheduler changes a case with no write of its own (a breach sets the first-response
    /// verdict): the rollups keep that verdict, so its pass must refresh them too.
    @Test("a breach found by the SLA scheduler reaches the rollups")
    func breachByScheduler() async throws {
        let clock = ManualClock(SLAFlowTests.t0)
        let server = try await SLAFlowTests.start(clock, toml: SLAFlowTests.quick)
        defer { Task { await server.stop() } }
        let lead = try await server.client("lena", role: .lead)
        let anna = try await server.client("anna")
        let (botUser, botToken) = try await server.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support"])
        let bot = try await TestClient.connect(url: server.url, token: botToken)
        _ = try await lead.createChannel("support", kind: .private, members: [anna.userId, botUser.id])
        _ = try await bot.request(.caseInteraction, SLAFlowTests.contact("Your app charged me twice!", at: SLAFlowTests.at(0), id: "x-1"),
                                  as: InteractionReply.self)
        try await Self.check(server, "opened, first response running")
        // Fired by this pass or by the scheduler's own (woken by the interaction, it may run after the
        // clock moved): committed either way once the pass returns (one writer).
        _ = try await SLAFlowTests.pass(server, clock, to: SLAFlowTests.at(16))
        #expect(try await SLAFlowTests.fired(server) == ["first_response/warning", "first_response/breach"], "the breach fired")
        try await Self.check(server, "breached by the scheduler")
        await bot.close()
    }

    /// A database written by v12 (straight rows, as a running server left them) gets its rollups
    /// from the migration: the same as the write path computes case by case, and the figures
    /// worked out by hand. Case 1 (anna's): whatsapp contacts at 09:00 and 09:20, answered by
    /// anna at 09:10 and by a bot at 09:50 (credited to anna), solved at 10:00, closed at 11:00,
    /// one hand-off. Case 2 (unowned): an email at 12:00, unanswered.
    @Test("a v12 database reports the same after the v13 backfill", .enabled(if: TestBackend.isSQLite, "builds a SQLite file at v12"))
    func backfill() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-rollups-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("swarm.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v12-reports")
        try await queue.write { db in try db.execute(sql: Self.olderRows.joined(separator: "\n")) }
        try queue.close()
        try await withServer(configure: { $0.databasePath = path }) { server in
            try await Self.expectOlderRowsReported(server)
        }
    }

    /// Rows as a running server of an older release left them (no rollups): case 1 (anna's):
    /// whatsapp contacts at 09:00 and 09:20, answered by anna at 09:10 and by a bot at 09:50
    /// (credited to anna), solved at 10:00, closed at 11:00, one hand-off; case 2 (unowned): an
    /// email at 12:00, unanswered. One statement per string (PostgreSQL takes them one by one).
    static let olderRows: [String] = [
        """
        INSERT INTO users(id, name, role, created_at) VALUES (1, 'lena', 'lead', '2026-03-01T00:00:00.000Z'), (2, 'anna', 'agent', '2026-03-01T00:00:00.000Z'), (3, 'relay', 'bot', '2026-03-01T00:00:00.000Z');
        """,
        """
        INSERT INTO channels(id, name, kind, created_at) VALUES (1, 'support', 'public', '2026-03-01T00:00:00.000Z');
        """,
        """
        INSERT INTO customers(id, name, created_at, updated_at) VALUES (1, 'c1', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'), (2, 'c2', '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z');
        """,
        """
        INSERT INTO messages(id, channel_id, author_id, body, created_at) VALUES (1, 1, 1, 'case', '2026-03-01T00:00:00.000Z'), (2, 1, 1, 'case', '2026-03-01T00:00:00.000Z');
        """,
        """
        INSERT INTO cases(id, title, customer_id, channel_id, thread_id, status, priority, owner_id, opened_by, created_at, updated_at, sla_due_at,
            first_response_at, solved_at)
            VALUES (1, 't', 1, 1, 1, 'closed', 'normal', 2, 1, '2026-03-02T08:55:00.000Z', '2026-03-01T00:00:00.000Z', '2026-03-03T09:00:00.000Z',
            '2026-03-02T09:10:00.000Z', '2026-03-02T10:00:00.000Z'),
            (2, 't', 2, 1, 2, 'new', 'normal', NULL, 1, '2026-03-02T12:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-03-03T12:00:00.000Z', NULL, NULL);
        """,
        """
        INSERT INTO timeline(customer_id, case_id, kind, at, channel, direction, author, text, by_user, account) VALUES
            (1, 1, 'interaction', '2026-03-02T09:00:00.000Z', 'whatsapp', 'inbound', 'x', 'hi', NULL, '+15550100'),
            (1, 1, 'interaction', '2026-03-02T09:10:00.000Z', 'whatsapp', 'outbound', 'x', 'hi', 2, NULL),
            (1, 1, 'interaction', '2026-03-02T09:20:00.000Z', 'whatsapp', 'inbound', 'x', 'more', NULL, '+15550100'),
            (1, 1, 'interaction', '2026-03-02T09:50:00.000Z', 'whatsapp', 'outbound', 'x', 'ok', 3, NULL),
            (2, 2, 'interaction', '2026-03-02T12:00:00.000Z', 'email', 'inbound', 'x', 'hi', NULL, NULL);
        """,
        """
        INSERT INTO timeline(customer_id, case_id, kind, at, text, by_user, data)
            VALUES (1, 1, 'status', '2026-03-02T11:00:00.000Z', 'status', 2, '{"from":"solved","to":"closed"}');
        """,
        """
        INSERT INTO handoffs(case_id, from_user, to_user, note, at) VALUES (1, 1, 2, 'n', '2026-03-02T09:05:00.000Z');
        """
    ]

    /// The figures worked out by hand for `olderRows`, the fast report equal to the exact one, and
    /// the migration's rollups equal to what the write path computes case by case.
    static func expectOlderRowsReported(_ server: TestServer) async throws {
        let lead = Principal(id: 1, name: "lena", role: .lead)
        let f = try await server.store.report(lead, ReportGetRequest(from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z")).figures
        #expect(f.inbound == 3 && f.responses == 2 && f.responseRate == Ratio(count: 2, of: 3, share: 0.6667))
        #expect(f.cases == 2 && f.firstResponse == DurationSummary(count: 1, mean: 600, median: 600, p90: 600))
        #expect(f.solved == 1 && f.resolution == DurationSummary(count: 1, mean: 3_600, median: 3_600, p90: 3_600))
        #expect(f.closed == 1 && f.timeToArchive == DurationSummary(count: 1, mean: 3_600, median: 3_600, p90: 3_600))
        #expect(f.handoffsPerCase == 0.5 && f.agentHours == 1 && f.responsesPerAgentHour == 2)
        #expect(f.resolvedInFirstChannel == Ratio(count: 1, of: 1, share: 1))
        #expect(f.inboundByAccount == [AccountVolume(account: "+15550100", dedicated: false, count: 2)])
        try await Self.check(server, "upgraded")
        // The write path, case by case, gives the migration's rows.
        let migrated = try await Self.dump(server.store)
        try await server.store.backend.write { db in try ReportRollups.refresh(db, cases: [1, 2]) }
        #expect(try await Self.dump(server.store) == migrated)
    }

    @Test("a PostgreSQL database as pg-v2 left it gets its report case times from pg-v3", .enabled(if: !TestBackend.isSQLite, "PostgreSQL only"))
    func postgresUpgrade() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-pg-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let server = try #require(TestBackend.postgresURL)
        let name = TestBackend.databaseName(dir)
        try await PostgresDatabases.create(name, serverURL: server)
        let backend = PostgresBackend(location: try PostgresLocation(url: try PostgresDatabases.url(server, database: name)), readers: 1,
                                      logger: Logger(label: "pg-upgrade-test"))
        try await PostgresMigrations.migrate(backend, upTo: "pg-v2-search")
        try await backend.write { db in
            for statement in Self.olderRows { try db.execute(statement) }
            // What the write path kept in report_cases before pg-v3 (its v13 shape).
            try ReportRollups.rebuild(db, caseSQL: ReportRollupSchema.v13CaseSQL)
        }
        await backend.shutdown()
        let upgraded = try await TestServer.start(directory: dir)
        defer { Task { await upgraded.stop() } }
        try await Self.expectOlderRowsReported(upgraded)
    }
}
