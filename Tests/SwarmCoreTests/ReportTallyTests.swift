import SwarmCore
import SwarmProtocol
import Testing

/// The report from hourly tallies (what the store keeps) equals the report from single contacts
/// on the hand-computed fixture of `ReportTests`, for every grouping and narrowing the tallies serve.
@Suite("Report from tallies")
struct ReportTallyTests {
    typealias F = ReportTests

    /// One tally per contact, with the fields the store derives: the hour, the hour of the
    /// case's next response at or after it, and the case's owner, team and first channel.
    static func tallies(_ contacts: [ReportContact], cases: [ReportCase]) -> [ReportContactTally] {
        let byId = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) })
        return contacts.map { c in
            let theCase = byId[c.caseId!]!
            let next = contacts.filter { $0.caseId == c.caseId && $0.direction == .outbound && $0.at >= c.at }.map(\.at).min()
            return ReportContactTally(hour: Int64((c.at / 3_600).rounded(.down)), channel: c.channel, account: c.account, dedicated: c.dedicated,
                                      direction: c.direction, isDuplicate: c.isDuplicate, responder: c.responder,
                                      answerHour: c.direction == .inbound ? next.map { Int64(($0 / 3_600).rounded(.down)) } : nil,
                                      caseOwner: theCase.owner, caseTeam: theCase.team, caseFirstChannel: theCase.firstInboundChannel,
                                      caseFirstAccount: theCase.firstInboundAccount, count: 1)
        }
    }

    static let queries: [ReportQuery] = {
        var out: [ReportQuery] = []
        for g in [nil, ReportGrouping.hour, .day, .channel, .owner, .account] {
            out.append(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: g))
            out.append(ReportQuery(from: F.B, to: F.B + 43_200, groupBy: g))
            out.append(ReportQuery(from: F.B - 86_400, to: F.B + 2 * 86_400, groupBy: g == .hour ? nil : g))
        }
        out.append(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .channel, channel: "twitter"))
        out.append(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .owner, team: "support"))
        out.append(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .account, owner: "anna"))
        out.append(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .hour, channel: "email", owner: "bob"))
        return out
    }()

    @Test("every grouping and narrowing gives the same figures as counting each contact")
    func sameAsContacts() {
        let tallies = Self.tallies(F.contacts, cases: F.cases)
        for q in Self.queries {
            #expect(Report.talliesSuffice(q))
            // The store passes the period's contacts only.
            let inPeriod = F.contacts.filter { $0.at >= q.from && $0.at < q.to }
            let byContacts = Report.make(contacts: inPeriod, cases: F.cases, query: q, sources: .all)
            let byTallies = Report.make(tallies: tallies, cases: F.cases, query: q, sources: .all)
            #expect(byTallies.figures == byContacts.figures, "\(q)")
            #expect(byTallies.groups == byContacts.groups, "\(q)")
        }
    }

    @Test("tallies of many contacts count as that many; a case with only a contact in the period names its group")
    func counts() {
        let q = ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .channel)
        let tally = ReportContactTally(hour: Int64(F.B / 3_600) + 2, channel: "twitter", direction: .inbound, answerHour: Int64(F.B / 3_600) + 30,
                                       caseOwner: "anna", caseFirstChannel: "facebook", count: 3)
        let made = Report.make(tallies: [tally], cases: [], query: q, sources: .all)
        // Answered only after the period: 3 inbound, none answered.
        #expect(made.figures.inbound == 3 && made.figures.responseRate == Ratio(count: 0, of: 3, share: 0))
        #expect(made.groups?.map(\.key) == ["twitter", "facebook"])
    }

    @Test("tallies serve whole hours only, and not topics; day tallies whole days, not grouped by hour")
    func suffice() {
        #expect(!Report.talliesSuffice(ReportQuery(from: F.B + 60, to: F.B + 86_400)))
        #expect(!Report.talliesSuffice(ReportQuery(from: F.B, to: F.B + 86_399)))
        #expect(!Report.talliesSuffice(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .topic)))
        #expect(Report.dayTalliesSuffice(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .day)))
        #expect(!Report.dayTalliesSuffice(ReportQuery(from: F.B, to: F.B + 43_200)))
        #expect(!Report.dayTalliesSuffice(ReportQuery(from: F.B + 3_600, to: F.B + 86_400)))
        #expect(!Report.dayTalliesSuffice(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .hour)))
        #expect(!Report.dayTalliesSuffice(ReportQuery(from: F.B, to: F.B + 86_400, groupBy: .topic)))
    }

    /// The hourly tallies summed per day as the store's `report_contact_days` does: the same keys
    /// with the day for the hour and the day of the answer for its hour, counts added, hours as a mask.
    static func dayTallies(_ hourly: [ReportContactTally]) -> [ReportContactTally] {
        var out: [ReportContactTally] = []
        for t in hourly {
            var d = t
            d.hour = t.hour / 24 * 24
            d.hours = 1 << UInt32(t.hour - d.hour)
            d.answerHour = t.answerHour.map { $0 / 24 * 24 }
            if let i = out.firstIndex(where: { var o = $0; o.hours = d.hours; o.count = d.count; return o == d }) {
                out[i].hours |= d.hours
                out[i].count += d.count
            } else {
                out.append(d)
            }
        }
        return out
    }

    @Test("day tallies give the same figures as hourly ones (agent-hours too) for whole days not grouped by hour")
    func dayTalliesSameAsHourly() {
        let hourly = Self.tallies(F.contacts, cases: F.cases)
        let daily = Self.dayTallies(hourly)
        #expect(daily.count < hourly.count, "the fixture has contacts alike within a day")
        #expect(daily.contains { $0.hours.nonzeroBitCount > 1 }, "the fixture has a day tally over several hours")
        var served = 0
        for q in Self.queries where Report.dayTalliesSuffice(q) {
            served += 1
            let byHours = Report.make(tallies: hourly, cases: F.cases, query: q, sources: .all)
            let byDays = Report.make(tallies: daily, cases: F.cases, query: q, sources: .all)
            #expect(byDays.figures == byHours.figures, "\(q)")
            #expect(byDays.groups == byHours.groups, "\(q)")
        }
        #expect(served >= 8)
    }
}
