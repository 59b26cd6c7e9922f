import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import SwarmProtocol
import SwarmStore
import Testing

/// `report.get` against a live server: who may read which figures (a private case counts only for
/// readers who may see it), figures of parts installed later appearing once their tables exist,
/// and the Prometheus figures.
@Suite("Reports", .hangGuard)
struct ReportFlowTests {
    static let day = ReportGetRequest(from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z")

    /// anna opens one case in public #support and one in private #vip, each with a customer
    /// message at 09:00 answered at 09:05 (#support) and 09:20 (#vip).
    func setUp(_ server: TestServer) async throws -> (lead: TestClient, anna: TestClient, support: String, vip: String) {
        let lead = try await server.client("lena", role: .lead)
        let anna = try await server.client("anna")
        _ = try await server.user("otto")
        _ = try await lead.createChannel("support", members: ["anna", "otto"])
        _ = try await lead.createChannel("vip", kind: .private, members: ["anna"])
        var ids: [String] = []
        for (channel, handle, answer) in [("#support", "+39 1", "09:05"), ("#vip", "+39 2", "09:20")] {
            let c = try await anna.request(.caseOpen, CaseOpenRequest(title: "parcel", identity: Identity(channel: .whatsapp, handle: handle), channel: channel),
                                           as: Case.self)
            _ = try await anna.request(.caseInteraction, InteractionRequest(caseId: c.id, channel: .whatsapp, direction: .inbound, text: "where is it?",
                                                                            at: "2026-03-02T09:00:00Z"), as: InteractionReply.self)
            _ = try await anna.request(.caseInteraction, InteractionRequest(caseId: c.id, channel: .whatsapp, direction: .outbound, text: "on its way",
                                                                            at: "2026-03-02T\(answer):00Z"), as: InteractionReply.self)
            ids.append(c.id)
        }
        return (lead, anna, ids[0], ids[1])
    }

    @Test("leads see all cases; an agent only their own, and not a private case they can no longer see; others are refused")
    func whoSeesWhat() async throws {
        try await withServer { server in
            let desk = try await setUp(server)
            let all = try await desk.lead.request(.reportGet, Self.day, as: ReportGetReply.self)
            // Two cases, answered after 300 and 1200 s: mean 750.
            #expect(all.scope == "all" && all.figures.inbound == 2 && all.figures.cases == 2)
            #expect(all.figures.firstResponse == DurationSummary(count: 2, mean: 750, median: 750, p90: 1_200))

            let own = try await desk.anna.request(.reportGet, Self.day, as: ReportGetReply.self)
            #expect(own.scope == "anna" && own.figures.inbound == 2 && own.figures.responses == 2)

            // anna leaves private #vip: that case no longer counts in her report, still in the lead's.
            _ = try await desk.anna.request(.channelLeave, ChannelRef(channel: "#vip"))
            let after = try await desk.anna.request(.reportGet, Self.day, as: ReportGetReply.self)
            #expect(after.figures.inbound == 1 && after.figures.cases == 1 && after.figures.responses == 1)
            #expect(after.figures.firstResponse.mean == 300)
            #expect(try await desk.lead.request(.reportGet, Self.day, as: ReportGetReply.self).figures.inbound == 2)

            // A lead may narrow to anna; anna may not ask for otto's.
            var annas = Self.day
            annas.owner = "anna"
            #expect(try await desk.lead.request(.reportGet, annas, as: ReportGetReply.self).figures.cases == 2)
            var ottos = Self.day
            ottos.owner = "otto"
            #expect(try await desk.anna.refusal(.reportGet, ottos) == .forbidden)
            let otto = try await TestClient.connect(url: server.url, token: try await server.user("otto2"))
            #expect(try await otto.request(.reportGet, Self.day, as: ReportGetReply.self).figures.inbound == 0)

            let erin = try await server.client("erin", role: .marketing)
            #expect(try await erin.refusal(.reportGet, Self.day) == .forbidden)
            var unknownTeam = Self.day
            unknownTeam.team = "#nowhere"
            #expect(try await desk.lead.refusal(.reportGet, unknownTeam) == .notFound)
            #expect(try await desk.lead.refusal(.reportGet, BadTimes()) == .badRequest)
        }
    }

    struct BadTimes: Encodable, Sendable {
        var from = "2026-03-02T00:00:00Z"
        var to = 5
    }

    @Test("figures of parts installed later appear once their tables and columns exist")
    func optionalParts() async throws {
        try await withServer { server in
            let desk = try await setUp(server)
            let before = try await desk.lead.request(.reportGet, Self.day, as: ReportGetReply.self)
            #expect(before.unavailable == ["first_response_business", "duplicates", "redirected", "top_topics", "csat"])
            #expect(before.figures.topTopics == nil && before.figures.csat == nil)
            // What the SLA, topics, care and duplicates parts will add (names agreed for issue 12).
            let support = try #require(Int64(desk.support.dropFirst(2))), vip = try #require(Int64(desk.vip.dropFirst(2)))
            try await server.store.pool.write { db in
                try db.execute(sql: """
                    CREATE TABLE case_sla(case_id INTEGER PRIMARY KEY, policy TEXT, first_response_business_seconds INTEGER, first_response_met INTEGER);
                    CREATE TABLE case_topics(case_id INTEGER, topic TEXT, source TEXT, PRIMARY KEY(case_id, topic));
                    CREATE TABLE case_csat(case_id INTEGER PRIMARY KEY, score INTEGER NOT NULL, comment TEXT, at TEXT NOT NULL, by_user INTEGER);
                    ALTER TABLE timeline ADD COLUMN redirect_to TEXT;
                    ALTER TABLE timeline ADD COLUMN duplicate_of INTEGER;
                    """)
                try db.execute(sql: "INSERT INTO case_sla VALUES (?, 'std', 300, 1), (?, 'std', 1200, 0)", arguments: [support, vip])
                try db.execute(sql: "INSERT INTO case_topics VALUES (?, 'delivery', 'rule'), (?, 'delivery', 'rule'), (?, 'refund', 'manual')",
                               arguments: [support, vip, vip])
                try db.execute(sql: "INSERT INTO case_csat VALUES (?, 5, NULL, '2026-03-02T12:00:00.000Z', NULL), (?, 2, NULL, '2026-03-02T13:00:00.000Z', NULL)",
                               arguments: [support, vip])
            }
            let after = try await desk.lead.request(.reportGet, Self.day, as: ReportGetReply.self)
            #expect(after.unavailable.isEmpty)
            #expect(after.figures.firstResponseBusiness == DurationSummary(count: 2, mean: 750, median: 750, p90: 1_200))
            // By the policies' verdicts now: one met of two.
            #expect(after.figures.withinSLA == Ratio(count: 1, of: 2, share: 0.5))
            #expect(after.figures.topTopics == [TopicCount(topic: "delivery", cases: 2), TopicCount(topic: "refund", cases: 1)])
            #expect(after.figures.csat == CSATFigure(ratings: 2, mean: 3.5, satisfied: 0.5))
            #expect(after.figures.duplicates == 0 && after.figures.redirected == Ratio(count: 0, of: 0, share: nil))
        }
    }

    @Test("Prometheus: contacts by channel, responses, first-response histogram, open cases")
    func prometheus() async throws {
        try await withServer { server in
            _ = try await setUp(server)
            let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(server.server.port)/metrics")!)
            let metrics = String(decoding: data, as: UTF8.self)
            for name in [#"swarm_inbound_contacts_total{channel="whatsapp"}"#, "swarm_responses_total", #"swarm_first_response_seconds_bucket{le="300.0"}"#,
                         #"swarm_open_cases{status="open"}"#] {
                #expect(metrics.contains(name), "missing \(name)")
            }
        }
    }
}
