import Foundation
import SwarmCore
import SwarmProtocol

/// `report.get` (PROTOCOL §26): fills the report records (SwarmCore `Report`) with SQL. A lead's
/// report over whole hours reads the hourly contact tallies and one `report_cases` row per case
/// (`ReportRollupSchema`); an agent's (only the cases they may see now), one grouped by topic or
/// one starting or ending inside an hour reads every contact of the period instead.
extension SQLiteStore {
    public func report(_ p: Principal, _ req: ReportGetRequest, now: Date = Date()) async throws -> ReportGetReply {
        try await report(p, req, now: now, byContacts: false)
    }

    /// `byContacts` forces the contact-by-contact path (tests and report-bench compare the two).
    public func report(_ p: Principal, _ req: ReportGetRequest, now: Date, byContacts: Bool) async throws -> ReportGetReply {
        guard p.role != .bot, p.role != .marketing, p.role != .product else {
            throw SwarmError.forbidden("reports are for leads and admins; agents may read their own")
        }
        guard let from = Timestamp.parse(req.from) else { throw SwarmError.badRequest("from must be an RFC 3339 time") }
        guard let to = Timestamp.parse(req.to) else { throw SwarmError.badRequest("to must be an RFC 3339 time") }
        let base = ReportQuery(from: from.timeIntervalSince1970, to: to.timeIntervalSince1970, groupBy: req.groupBy, channel: req.channel?.rawValue)
        if let problem = base.problem { throw SwarmError.badRequest(problem) }
        return try await read { db in
            var query = base
            let lead = Permissions.isStaffLead(p.role)
            // An agent's report is their own: the cases they own (and may still see).
            var ownerId: Int64?
            if let ref = req.owner {
                let row = ref == "me" ? try Rows.userRow(db, ref: Ids.make(.user, p.id)) : try Rows.userRow(db, ref: ref)
                ownerId = row["id"]
                query.owner = row["name"]
            }
            if !lead {
                if let ownerId, ownerId != p.id { throw SwarmError.forbidden("agents may read only their own report") }
                ownerId = p.id
                query.owner = p.name
            }
            var teamId: Int64?
            if let ref = req.team {
                let ch = try Rows.channel(db, ref: ref)
                teamId = ch.id
                query.team = ch.name
            }
            // Every part of issue 12 is installed by the migrations, so every figure is recorded.
            let sources = ReportSources.all
            let span = (Timestamp.format(from), Timestamp.format(to))
            let seconds = (query.from, query.to)
            let users = try Self.reportUsers(db)
            let channels = try Self.reportChannels(db)
            let scope = ReportScope(owner: ownerId, team: teamId, lead: lead)
            let made: (figures: ReportFigures, groups: [ReportGroup]?)
            if lead && !byContacts && Report.talliesSuffice(query) {
                let keyed = [.channel, .account, .owner].contains(query.groupBy)
                let names = ReportTallyNames(users: users.mapValues(\.name), teams: channels.mapValues(\.name))
                // The cases stream straight into the per-group totals, by id: a month's 100,000 are never held.
                var gathered = Report.CaseGatherer(query: query, names: names)
                let topics = try Self.topicIdsOfCasesStarted(db, in: seconds, texts: &gathered.texts)
                try Self.eachReportCaseIds(db, p, span: span, seconds: seconds, scope: scope, namingGroups: keyed, now: now, topics: topics,
                                           into: &gathered)
                var contacts = Report.TallyGatherer(query: query, names: names)
                try Self.eachReportTally(db, query, scope: scope, into: &contacts)
                made = Report.make(tallies: contacts, gathered: gathered, query: query, sources: sources)
            } else {
                let cases = try Self.reportCases(db, p, span: span, seconds: seconds, scope: scope, users: users, channels: channels, now: now)
                let contacts = try Self.reportContacts(db, span: span, users: users,
                                                       cases: Dictionary(cases.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
                made = Report.make(contacts: contacts, cases: cases, query: query, sources: sources)
            }
            return ReportGetReply(from: span.0, to: span.1, groupBy: req.groupBy, scope: query.owner ?? "all", figures: made.figures,
                                  groups: made.groups, unavailable: sources.unavailable)
        }
    }

    /// Whose cases a report covers: an owner's, a team's, and all or only those the reader may see.
    struct ReportScope {
        var owner: Int64?
        var team: Int64?
        var lead: Bool
    }

    struct ReportUser {
        var name: String
        var isBot: Bool
    }

    struct ReportChannel {
        var name: String
        var kind: ChannelKind
    }

    /// Every channel by id: a case row carries its channel's id, not its name and kind.
    static func reportChannels(_ db: SQLDB) throws -> [Int64: ReportChannel] {
        var out: [Int64: ReportChannel] = [:]
        for r in try db.fetchAll("SELECT id, name, kind FROM channels") {
            out[r[0]] = ReportChannel(name: r[1], kind: ChannelKind(rawValue: r[2]) ?? .private)
        }
        return out
    }

    static func reportUsers(_ db: SQLDB) throws -> [Int64: ReportUser] {
        var out: [Int64: ReportUser] = [:]
        for r in try db.fetchAll("SELECT id, name, role FROM users") {
            out[r["id"]] = ReportUser(name: r["name"], isBot: (r["role"] as String) == Role.bot.rawValue)
        }
        return out
    }

    /// Seconds since 1970 of a stored time (always `YYYY-MM-DDTHH:MM:SS.sssZ`), exact to the millisecond.
    static func epoch(_ column: String) -> String {
        "(unixepoch(\(column)) + CAST(substr(\(column), 21, 3) AS INTEGER) / 1000.0)"
    }

    /// Every case that started, was solved, closed or rated in the period (and, with `contacted`,
    /// every case with a contact in it), or, with `namingGroups`, that was opened or changed status
    /// in it (such a case names its group in a report grouped by key), narrowed to the owner and
    /// team asked for and to the cases the reader may see now; without their topics (the contact
    /// path adds them, `addTopics`; the tally path reads cases by id, `eachReportCaseIds`).
    static func eachReportCase(_ db: SQLDB, _ p: Principal, span: (String, String), seconds: (Double, Double), scope: ReportScope,
                               users: [Int64: ReportUser], channels: [Int64: ReportChannel], contacted: Bool = false, namingGroups: Bool = true,
                               now: Date, _ body: (borrowing ReportCase) -> Void) throws {
        let (sql, args) = reportCaseSQL(p, span: span, seconds: seconds, scope: scope, contacted: contacted, namingGroups: namingGroups)
        let nowSeconds = now.timeIntervalSince1970
        let reader = Self.reader(p)
        try db.scan(sql, args) { r in
            // Columns by position (as `reportCaseSQL` selects them): a month's report reads one row per case.
            let team: Int64 = r[2]
            let channel = channels[team]
            if !scope.lead {
                let facts = CaseVisibility.Facts(channelKind: channel?.kind ?? .private, channelName: channel?.name ?? "",
                                                 isMember: r[18], isSwarmed: r[19])
                guard CaseVisibility.maySee(reader, facts) else { return }
            }
            let id: Int64 = r[0]
            let ownerId: Int64? = r[1]
            let firstResponseAt: Double? = r[4]
            let met = ReportCase.firstResponseVerdict(clocks: r[15], firstResponseAt: firstResponseAt, dueAt: r[6], now: nowSeconds)
            body(ReportCase(id: id, openedAt: r[3], firstInboundAt: r[7], firstInboundChannel: r[8], firstInboundAccount: r[9],
                            firstResponseAt: firstResponseAt, firstResponseBusinessSeconds: r[14], firstResponseMet: met, solvedAt: r[5],
                            closedAt: r[10], resolvedChannel: r[11], redirected: r[12], owner: ownerId.flatMap { users[$0]?.name },
                            team: channel?.name, handoffs: r[13], csat: r[16], csatAt: r[17]))
        }
    }

    /// The case rows of `eachReportCase` and `eachReportCaseIds`, columns in this order: case_id, owner_id,
    /// team_id, opened, first response, solved, SLA due, first inbound, first channel, first account,
    /// closed, resolved channel, redirected, hand-offs, business seconds, SLA verdict, csat, csat time
    /// (and, for a reader who is not a lead, member and swarmed).
    static func reportCaseSQL(_ p: Principal, span: (String, String), seconds: (Double, Double), scope: ReportScope, contacted: Bool,
                              namingGroups: Bool) -> (String, SQLArguments) {
        // A month's cases nearly all start in it: those are one range of `report_cases_start_epoch`.
        // The few others (solved, closed, rated ... in the period but started outside it) are
        // found apart, each part leaving out the cases the range already has, so no part is
        // deduplicated against 100,000 ids.
        let outside = "NOT (r.start_epoch >= ? AND r.start_epoch < ?)"
        var extra = [
            "SELECT r.case_id FROM report_cases r WHERE r.solved_epoch >= ? AND r.solved_epoch < ? AND \(outside)",
            "SELECT r.case_id FROM report_cases r WHERE r.closed_epoch >= ? AND r.closed_epoch < ? AND \(outside)",
            "SELECT r.case_id FROM report_cases r WHERE r.csat_epoch >= ? AND r.csat_epoch < ? AND \(outside)",
        ]
        var extraArgs: [(any SQLBindable)?] = []
        for _ in extra { extraArgs += [seconds.0, seconds.1, seconds.0, seconds.1] }
        if namingGroups {
            extra.append("SELECT r.case_id FROM report_cases r WHERE r.opened_epoch >= ? AND r.opened_epoch < ? AND \(outside)")
            extra.append("""
                SELECT t.case_id FROM timeline t JOIN report_cases r ON r.case_id = t.case_id
                WHERE t.kind = 'status' AND t.at >= ? AND t.at < ? AND \(outside)
                """)
            extraArgs += [seconds.0, seconds.1, seconds.0, seconds.1, span.0, span.1, seconds.0, seconds.1]
        }
        if contacted {
            extra.append("""
                SELECT t.case_id FROM timeline t JOIN report_cases r ON r.case_id = t.case_id
                WHERE t.kind = 'interaction' AND t.at >= ? AND t.at < ? AND \(outside)
                """)
            extraArgs += [span.0, span.1, seconds.0, seconds.1]
        }
        // Leads and admins see every case; anyone else counts only the cases they may see now.
        var visibility = ""
        var visibilityArgs: [(any SQLBindable)?] = []
        if !scope.lead {
            visibility = """
                , EXISTS(SELECT 1 FROM members m WHERE m.channel_id = r.team_id AND m.user_id = ?) AS member,
                EXISTS(SELECT 1 FROM case_swarm w WHERE w.case_id = r.case_id AND w.user_id = ?) AS swarmed
                """
            visibilityArgs = [p.id, p.id]
        }
        var conditions: [String] = []
        var conditionArgs: [(any SQLBindable)?] = []
        if let owner = scope.owner { conditions.append(" AND r.owner_id = ?"); conditionArgs.append(owner) }
        if let team = scope.team { conditions.append(" AND r.team_id = ?"); conditionArgs.append(team) }
        let select = """
            SELECT r.case_id, r.owner_id, r.team_id, r.opened_epoch, r.first_response_epoch, r.solved_epoch, r.sla_due_epoch,
                r.first_inbound_epoch, r.first_channel, r.first_account, r.closed_epoch, r.resolved_channel, r.redirected, r.handoffs,
                r.first_response_business_seconds, r.first_response_met, r.csat, r.csat_epoch\(visibility)
            FROM report_cases r
            """
        let sql = """
            \(select) WHERE r.start_epoch >= ? AND r.start_epoch < ?\(conditions.joined())
            UNION ALL
            \(select) WHERE r.case_id IN (\(extra.joined(separator: "\nUNION "))) \(conditions.joined())
            """
        var args: [(any SQLBindable)?] = visibilityArgs + [seconds.0, seconds.1] + conditionArgs
        args += visibilityArgs + extraArgs + conditionArgs
        return (sql, SQLArguments(args))
    }

    /// Every case the contact-by-contact report counts (those with a contact in the period too), with
    /// all their topics, in an array.
    static func reportCases(_ db: SQLDB, _ p: Principal, span: (String, String), seconds: (Double, Double), scope: ReportScope,
                            users: [Int64: ReportUser], channels: [Int64: ReportChannel], now: Date) throws -> [ReportCase] {
        var out: [ReportCase] = []
        try eachReportCase(db, p, span: span, seconds: seconds, scope: scope, users: users, channels: channels, contacted: true,
                           now: now) { out.append(copy $0) }
        var index: [Int64: Int] = [:]
        for (i, c) in out.enumerated() { index[c.id] = i }
        try Self.addTopics(db, to: &out, index: index)
        return out
    }

    /// The cases' topics, found by id.
    static func addTopics(_ db: SQLDB, to cases: inout [ReportCase], index: [Int64: Int]) throws {
        guard !cases.isEmpty else { return }
        try db.scan("SELECT case_id, topic FROM case_topics WHERE case_id IN (\(db.jsonIntegers()))", [jsonIds(Array(index.keys))]) { r in
            let id: Int64 = r[0]
            if let i = index[id] { cases[i].topics.append(r[1]) }
        }
    }

    /// The contacts of the period, of the cases kept (so a hidden case's contacts are not counted).
    static func reportContacts(_ db: SQLDB, span: (String, String), users: [Int64: ReportUser],
                               cases: [Int64: ReportCase]) throws -> [ReportContact] {
        var out: [ReportContact] = []
        try db.forEach("""
            SELECT case_id, \(epoch("at")) AS at, direction, channel, account, dedicated, by_user, redirect_to, duplicate_of
            FROM timeline \(db.dialect == .sqlite ? "INDEXED BY timeline_contacts_at" : "") WHERE kind = 'interaction' AND at >= ? AND at < ?
            """, [span.0, span.1]) { r in
            guard let caseId: Int64 = r["case_id"], let theCase = cases[caseId] else { return }
            let direction = Direction(rawValue: r["direction"] ?? "") ?? .inbound
            var responder: String?
            if direction == .outbound {
                // A response relayed by a bot is credited to the case's owner.
                let by: Int64? = r["by_user"]
                responder = by.flatMap { users[$0] }.flatMap { $0.isBot ? nil : $0.name } ?? theCase.owner
            }
            let redirectTo: String? = r["redirect_to"]
            out.append(ReportContact(at: r["at"], channel: r["channel"] ?? "unknown", account: r["account"], dedicated: r["dedicated"] ?? false,
                                     direction: direction, caseId: caseId, responder: responder, isRedirect: redirectTo != nil,
                                     redirectTo: redirectTo, isDuplicate: (r["duplicate_of"] as Int64?) != nil))
        }
        return out
    }
}
