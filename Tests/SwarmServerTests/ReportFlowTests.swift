import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import SwarmProtocol
import SwarmStore
import Testing

/// `report.get` against a live server: who may read which figures (a private case counts only for
/// readers who may see it), the figures the SLA, duplicates, topics and care parts feed, and the
/// Prometheus figures.
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

    @Test("the SLA, duplicates, topics, redirect and CSAT figures come from those parts' own ops")
    func triageParts() async throws {
        try await withServer { server in
            let desk = try await setUp(server)
            // A repeat of the #support customer's message (§23), a redirect on #vip (§25), topics
            // set by hand (§23), both cases solved and rated (§25).
            _ = try await desk.anna.request(.caseInteraction, InteractionRequest(caseId: desk.support, channel: .whatsapp, direction: .inbound,
                                                                                 text: "where is it?", at: "2026-03-02T09:30:00Z"), as: InteractionReply.self)
            var redirect = InteractionRequest(caseId: desk.vip, channel: .whatsapp, direction: .outbound, text: "please call us",
                                              at: "2026-03-02T09:40:00Z")
            redirect.kind = "redirect"
            redirect.redirectTo = "phone"
            _ = try await desk.anna.request(.caseInteraction, redirect, as: InteractionReply.self)
            _ = try await desk.lead.request(.caseTopics, CaseTopicsRequest(caseId: desk.support, add: ["delivery"]), as: Case.self)
            _ = try await desk.lead.request(.caseTopics, CaseTopicsRequest(caseId: desk.vip, add: ["delivery", "refund"]), as: Case.self)
            // Solved and rated within the reported day: the store's clock is the SLA clock tests set.
            let noon = try #require(ISO8601DateFormatter().date(from: "2026-03-02T12:00:00Z"))
            server.store.sla.setClock { noon }
            for (caseId, score) in [(desk.support, 5), (desk.vip, 2)] {
                _ = try await desk.lead.request(.caseUpdate, CaseUpdateRequest(caseId: caseId, status: .solved), as: Case.self)
                _ = try await desk.lead.request(.caseCsat, CaseCSATRequest(caseId: caseId, score: score), as: Case.self)
            }
            let report = try await desk.lead.request(.reportGet, Self.day, as: ReportGetReply.self)
            #expect(report.unavailable.isEmpty)
            // The default policy runs around the clock: business time is wall-clock time, and both
            // first responses (300 and 1200 s) are within its 24 h.
            #expect(report.figures.firstResponseBusiness == DurationSummary(count: 2, mean: 750, median: 750, p90: 1_200))
            #expect(report.figures.withinSLA == Ratio(count: 2, of: 2, share: 1))
            #expect(report.figures.duplicates == 1)
            #expect(report.figures.redirected?.count == 1)
            let topics = report.figures.topTopics ?? []
            #expect(topics.contains(TopicCount(topic: "delivery", cases: 2)) && topics.contains(TopicCount(topic: "refund", cases: 1)), "\(topics)")
            #expect(report.figures.csat == CSATFigure(ratings: 2, mean: 3.5, satisfied: 0.5))
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
