import SwarmCore
import SwarmProtocol
import Testing

/// Every report figure against a small fixture whose expected numbers were worked out by hand
/// (the arithmetic is in the comments). Times are seconds after B, a UTC midnight; the period is
/// the day [B, B+86400).
@Suite("Report figures")
struct ReportTests {
    static let B = 86_400.0 * 20_000   // 2024-10-04T00:00:00Z
    static let day = ReportQuery(from: B, to: B + 86_400)

    /// Case 1: twitter to @acme_care (dedicated), answered after 10 min, solved at 1 h, closed at 2 h, CSAT 5.
    /// Case 2: email, answered after 30 min, solved 3 h after it started, CSAT 3.
    /// Case 3: whatsapp, answered 25 h later (after the period), SLA missed, two hand-offs.
    /// Case 4: started the day before on facebook, redirected to twitter and solved in the period.
    /// Case 5: twitter to @acme (not dedicated), unanswered, unowned.
    static let cases: [ReportCase] = [
        ReportCase(id: 1, openedAt: B, firstInboundAt: B, firstInboundChannel: "twitter", firstInboundAccount: "@acme_care",
                   firstResponseAt: B + 600, firstResponseBusinessSeconds: 600, firstResponseMet: true, solvedAt: B + 3_600, closedAt: B + 7_200,
                   resolvedChannel: "twitter", redirected: false, owner: "anna", team: "support", handoffs: 1, topics: ["refund"], csat: 5, csatAt: B + 7_300),
        ReportCase(id: 2, openedAt: B + 3_600, firstInboundAt: B + 3_600, firstInboundChannel: "email",
                   firstResponseAt: B + 5_400, firstResponseBusinessSeconds: 1_800, firstResponseMet: true, solvedAt: B + 14_400,
                   resolvedChannel: "email", redirected: false, owner: "anna", team: "support", topics: ["refund", "delivery"], csat: 3, csatAt: B + 20_000),
        ReportCase(id: 3, openedAt: B + 7_200, firstInboundAt: B + 7_200, firstInboundChannel: "whatsapp", firstInboundAccount: "+15550100",
                   firstResponseAt: B + 97_200, firstResponseBusinessSeconds: 36_000, firstResponseMet: false,
                   owner: "bob", team: "vip", handoffs: 2, topics: ["delivery"]),
        ReportCase(id: 4, openedAt: B - 86_400, firstInboundAt: B - 86_400, firstInboundChannel: "facebook", firstResponseAt: B - 80_000,
                   solvedAt: B + 1_000, resolvedChannel: "twitter", redirected: true, owner: "bob", team: "support"),
        ReportCase(id: 5, openedAt: B + 50_000, firstInboundAt: B + 50_000, firstInboundChannel: "twitter", firstInboundAccount: "@acme", team: "support"),
    ]

    static let contacts: [ReportContact] = [
        ReportContact(at: B, channel: "twitter", account: "@acme_care", dedicated: true, direction: .inbound, caseId: 1),
        ReportContact(at: B + 600, channel: "twitter", direction: .outbound, caseId: 1, responder: "anna"),
        ReportContact(at: B + 1_200, channel: "twitter", account: "@acme_care", dedicated: true, direction: .inbound, caseId: 1, isDuplicate: true),
        ReportContact(at: B + 900, channel: "twitter", direction: .outbound, caseId: 4, responder: "bob", isRedirect: true, redirectTo: "twitter"),
        ReportContact(at: B + 3_600, channel: "email", direction: .inbound, caseId: 2),
        ReportContact(at: B + 5_400, channel: "email", direction: .outbound, caseId: 2, responder: "anna"),
        ReportContact(at: B + 9_000, channel: "email", direction: .inbound, caseId: 2),
        ReportContact(at: B + 9_600, channel: "email", direction: .outbound, caseId: 2, responder: "anna"),
        ReportContact(at: B + 7_200, channel: "whatsapp", account: "+15550100", direction: .inbound, caseId: 3),
        ReportContact(at: B + 97_200, channel: "whatsapp", direction: .outbound, caseId: 3, responder: "bob"),
        ReportContact(at: B + 50_000, channel: "twitter", account: "@acme", direction: .inbound, caseId: 5),
    ]

    func report(_ q: ReportQuery = day, sources: ReportSources = .all) -> (figures: ReportFigures, groups: [ReportGroup]?) {
        Report.make(contacts: Self.contacts, cases: Self.cases, query: q, sources: sources)
    }

    @Test("inbound volume per channel and per account, duplicates apart")
    func volume() {
        let f = report().figures
        // Inbound in the day: c1 at 0, c2 at 3600 and 9000, c3 at 7200, c5 at 50000 = 5; c1's repeat at 1200 is a duplicate.
        #expect(f.inbound == 5)
        #expect(f.duplicates == 1)
        // twitter: c1 + c5 = 2, email: 2, whatsapp: 1; ties by name.
        #expect(f.inboundByChannel == [ChannelVolume(channel: "email", count: 2), ChannelVolume(channel: "twitter", count: 2),
                                       ChannelVolume(channel: "whatsapp", count: 1)])
        // One each; only @acme_care is dedicated; ties by name ("+" < "@").
        #expect(f.inboundByAccount == [AccountVolume(account: "+15550100", dedicated: false, count: 1),
                                       AccountVolume(account: "@acme", dedicated: false, count: 1),
                                       AccountVolume(account: "@acme_care", dedicated: true, count: 1)])
    }

    @Test("responses and response rate")
    func responses() {
        let f = report().figures
        // Responses in the day: 600 (c1), 900 (c4), 5400 and 9600 (c2) = 4; c3's at 97200 is after the period.
        #expect(f.responses == 4)
        // Answered: c1@0 (600 ≥ 0), c2@3600 and c2@9000 (9600 follows both) = 3; c3 (answer after the period) and c5 not: 3/5.
        #expect(f.responseRate == Ratio(count: 3, of: 5, share: 0.6))
    }

    @Test("first-response time in wall clock and business hours, within SLA and within 24 h")
    func firstResponse() {
        let f = report().figures
        // Started in the day: c1, c2, c3, c5 = 4 (c4 started the day before).
        #expect(f.cases == 4)
        // Answered ones: 600, 1800, 90000. Mean 92400/3 = 30800; median 1800; p90 = rank ⌈0.9·3⌉ = 3rd = 90000.
        #expect(f.firstResponse == DurationSummary(count: 3, mean: 30_800, median: 1_800, p90: 90_000))
        // Business seconds 600, 1800, 36000: mean 38400/3 = 12800.
        #expect(f.firstResponseBusiness == DurationSummary(count: 3, mean: 12_800, median: 1_800, p90: 36_000))
        // Verdicts: met, met, missed (c5 has none yet): 2/3.
        #expect(f.withinSLA == Ratio(count: 2, of: 3, share: 0.6667))
        // 600 and 1800 ≤ 86400, 90000 not: 2/3.
        #expect(f.within24h == Ratio(count: 2, of: 3, share: 0.6667))
    }

    @Test("resolution, productivity per agent-hour, channel of resolution")
    func resolution() {
        let f = report().figures
        // Solved in the day: c4 at 1000, c1 at 3600, c2 at 14400 = 3.
        #expect(f.solved == 3)
        // 3600 (c1), 10800 (c2: 14400 − 3600), 87400 (c4: 1000 + 86400). Mean 101800/3 = 33933.3; median 10800; p90 87400.
        #expect(f.resolution == DurationSummary(count: 3, mean: 33_933.3, median: 10_800, p90: 87_400))
        // Agent-hours: anna in hours 0, 1, 2 and bob in hour 0 = 4; 4 responses / 4 = 1.0; 3 solved / 4 = 0.75.
        #expect(f.agentHours == 4)
        #expect(f.responsesPerAgentHour == 1.0)
        #expect(f.solvedPerAgentHour == 0.75)
        // c1 (twitter → twitter) and c2 (email → email) in the first channel; c4 redirected from facebook: 2/3 and 1/3.
        #expect(f.resolvedInFirstChannel == Ratio(count: 2, of: 3, share: 0.6667))
        #expect(f.redirected == Ratio(count: 1, of: 3, share: 0.3333))
    }

    @Test("hand-offs per case, time to archive, top topics, CSAT")
    func casesFigures() {
        let f = report().figures
        // (1 + 0 + 2 + 0) hand-offs / 4 started cases = 0.75.
        #expect(f.handoffsPerCase == 0.75)
        // Closed in the day: c1, 7200 − 3600 = 3600 after it was solved.
        #expect(f.closed == 1)
        #expect(f.timeToArchive == DurationSummary(count: 1, mean: 3_600, median: 3_600, p90: 3_600))
        // refund: c1, c2; delivery: c2, c3 — two cases each, ties by name.
        #expect(f.topTopics == [TopicCount(topic: "delivery", cases: 2), TopicCount(topic: "refund", cases: 2)])
        // Ratings 5 and 3: mean 4.0, one of two is 4–5.
        #expect(f.csat == CSATFigure(ratings: 2, mean: 4.0, satisfied: 0.5))
    }

    @Test("figures whose part is not installed are left out, not zero")
    func missingSources() {
        let f = report(sources: ReportSources()).figures
        #expect(f.firstResponseBusiness == nil && f.duplicates == nil && f.redirected == nil && f.topTopics == nil && f.csat == nil)
        #expect(ReportSources().unavailable == ["first_response_business", "duplicates", "redirected", "top_topics", "csat"])
        #expect(ReportSources.all.unavailable.isEmpty)
    }

    @Test("grouped by hour: every hour of the day in order, records in the hour of their own time")
    func byHour() throws {
        let groups = try #require(report(ReportQuery(from: Self.B, to: Self.B + 86_400, groupBy: .hour)).groups)
        #expect(groups.count == 24)
        #expect(groups[0].key == "2024-10-04T00:00:00.000Z")
        // Hour 0: inbound c1@0 (the repeat at 1200 is a duplicate); responses 600 and 900; c1 started (600 s); c4 solved at 1000.
        #expect(groups[0].figures.inbound == 1 && groups[0].figures.responses == 2)
        #expect(groups[0].figures.cases == 1 && groups[0].figures.firstResponse.mean == 600 && groups[0].figures.solved == 1)
        // Hour 1: inbound c2@3600, response 5400; c2 started; c1 solved at 3600.
        #expect(groups[1].figures.inbound == 1 && groups[1].figures.responses == 1 && groups[1].figures.solved == 1)
        // Hour 13 (46800–50400): c5 at 50000; hour 23 is empty.
        #expect(groups[13].figures.inbound == 1)
        #expect(groups[23].figures == ReportFigures(duplicates: 0, handoffsPerCase: nil, topTopics: [], csat: CSATFigure(ratings: 0, mean: nil, satisfied: nil))
            .with { $0.firstResponseBusiness = DurationSummary(count: 0); $0.withinSLA = Ratio(count: 0, of: 0, share: nil); $0.redirected = Ratio(count: 0, of: 0, share: nil) })
        // The hours add up to the day.
        #expect(groups.map(\.figures.inbound).reduce(0, +) == 5)
        #expect(groups.map(\.figures.responses).reduce(0, +) == 4)
    }

    @Test("grouped by owner, and narrowed to one owner, channel or team")
    func byOwnerAndFilters() throws {
        let groups = try #require(report(ReportQuery(from: Self.B, to: Self.B + 86_400, groupBy: .owner)).groups)
        // anna: c1 + 2 × c2 = 3 inbound, 3 responses; bob: c3 inbound, c4's response; none: c5. Ties (bob, none) by name.
        #expect(groups.map(\.key) == ["anna", "bob", "none"])
        #expect(groups[0].figures.inbound == 3 && groups[0].figures.responses == 3)
        #expect(groups[1].figures.inbound == 1 && groups[1].figures.responses == 1 && groups[1].figures.solved == 1)
        let bob = report(ReportQuery(from: Self.B, to: Self.B + 86_400, owner: "bob")).figures
        // bob: started c3, solved c4, one response (900) in hour 0 → 1 agent-hour.
        #expect(bob.cases == 1 && bob.solved == 1 && bob.responses == 1 && bob.agentHours == 1)
        let email = report(ReportQuery(from: Self.B, to: Self.B + 86_400, channel: "email")).figures
        #expect(email.inbound == 2 && email.cases == 1 && email.responses == 2)
        let vip = report(ReportQuery(from: Self.B, to: Self.B + 86_400, team: "vip")).figures
        // Only c3: one inbound, its response falls after the period.
        #expect(vip.inbound == 1 && vip.responses == 0 && vip.cases == 1)
    }

    @Test("statistics: median of an even count, p90 by nearest rank; periods checked")
    func stats() {
        // 1..10: mean 5.5, median (5 + 6)/2 = 5.5, p90 = ⌈9⌉ = 9th value = 9.
        #expect(ReportStats.summary((1...10).map(Double.init)) == DurationSummary(count: 10, mean: 5.5, median: 5.5, p90: 9))
        #expect(ReportStats.summary([]) == DurationSummary(count: 0))
        #expect(ReportQuery(from: 10, to: 10).problem != nil)
        #expect(ReportQuery(from: 0, to: 32 * 86_400, groupBy: .hour).problem != nil)
        #expect(ReportQuery(from: 0, to: 32 * 86_400, groupBy: .day).problem == nil)
    }
}

extension ReportFigures {
    func with(_ change: (inout ReportFigures) -> Void) -> ReportFigures {
        var copy = self
        change(&copy)
        return copy
    }
}
