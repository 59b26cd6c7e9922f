import Foundation
import SwarmCore
import SwarmProtocol

/// `report.get` (PROTOCOL §26): fills the report records (SwarmCore `Report`) with SQL. Parts of
/// issue 12 built separately (SLA clocks, topics, redirects, CSAT, duplicates) are read only when
/// their tables and columns exist (`ReportColumns`), so the figures appear once they are installed.
extension SQLiteStore {
    public func report(_ p: Principal, _ req: ReportGetRequest, now: Date = Date()) async throws -> ReportGetReply {
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
            let columns = try ReportColumns.probe(db)
            let span = (Timestamp.format(from), Timestamp.format(to))
            let users = try Self.reportUsers(db)
            let cases = try Self.reportCases(db, p, span: span, columns: columns, users: users, owner: ownerId, team: teamId, lead: lead, now: now)
            let contacts = try Self.reportContacts(db, span: span, columns: columns, users: users, cases: cases)
            let (figures, groups) = Report.make(contacts: contacts, cases: Array(cases.values), query: query, sources: columns.sources)
            return ReportGetReply(from: span.0, to: span.1, groupBy: req.groupBy, scope: query.owner ?? "all", figures: figures,
                                  groups: groups, unavailable: columns.sources.unavailable)
        }
    }

    struct ReportUser {
        var name: String
        var isBot: Bool
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

    /// Every case with a contact in the period or that started, was solved, closed or rated in it,
    /// narrowed to the owner and team asked for and to the cases the reader may see now.
    static func reportCases(_ db: SQLDB, _ p: Principal, span: (String, String), columns: ReportColumns, users: [Int64: ReportUser],
                            owner: Int64?, team: Int64?, lead: Bool, now: Date) throws -> [Int64: ReportCase] {
        var ids = """
            SELECT case_id AS id FROM timeline WHERE kind = 'interaction' AND at >= ?1 AND at < ?2 AND case_id IS NOT NULL
            UNION SELECT id FROM cases WHERE solved_at >= ?1 AND solved_at < ?2
            UNION SELECT id FROM cases WHERE created_at >= ?1 AND created_at < ?2
            UNION SELECT case_id FROM timeline WHERE kind = 'status' AND at >= ?1 AND at < ?2 AND case_id IS NOT NULL
            """
        if columns.csat { ids += "\nUNION SELECT case_id FROM case_csat WHERE at >= ?1 AND at < ?2" }
        var select = """
            c.id, c.owner_id, c.sla_due_at, ch.name AS team, ch.kind AS channel_kind,
            \(epoch("c.created_at")) AS opened, \(epoch("c.first_response_at")) AS first_response, \(epoch("c.solved_at")) AS solved,
            c.first_response_at <= c.sla_due_at AS due_met, c.first_response_at IS NULL AND c.sla_due_at < ?3 AS due_missed,
            (SELECT COUNT(*) FROM handoffs h WHERE h.case_id = c.id) AS handoffs,
            (SELECT \(epoch("MAX(s.at)")) FROM timeline s WHERE s.case_id = c.id AND s.kind = 'status' AND json_extract(s.data, '$.to') = 'closed') AS closed,
            (SELECT s.channel FROM timeline s WHERE s.case_id = c.id AND s.kind = 'interaction' AND s.direction = 'outbound'
                 AND s.at <= c.solved_at ORDER BY s.at DESC LIMIT 1) AS resolved_channel,
            EXISTS(SELECT 1 FROM members m WHERE m.channel_id = c.channel_id AND m.user_id = ?4) AS member,
            EXISTS(SELECT 1 FROM case_swarm w WHERE w.case_id = c.id AND w.user_id = ?4) AS swarmed
            """
        if columns.sla {
            select += """
                , (SELECT first_response_business_seconds FROM case_sla x WHERE x.case_id = c.id) AS business,
                (SELECT first_response_met FROM case_sla x WHERE x.case_id = c.id) AS met
                """
        }
        if columns.redirects {
            select += ", EXISTS(SELECT 1 FROM timeline r WHERE r.case_id = c.id AND r.kind = 'interaction' AND r.redirect_to IS NOT NULL) AS redirected"
        }
        if columns.csat {
            select += ", (SELECT score FROM case_csat k WHERE k.case_id = c.id) AS csat, (SELECT \(epoch("k.at")) FROM case_csat k WHERE k.case_id = c.id) AS csat_at"
        }
        var conditions: [String] = []
        var args: [(any SQLBindable)?] = [span.0, span.1, Timestamp.format(now), p.id]
        if let owner { conditions.append("c.owner_id = ?"); args.append(owner) }
        if let team { conditions.append("c.channel_id = ?"); args.append(team) }
        let sql = "WITH ids AS (\(ids)) SELECT \(select) FROM ids JOIN cases c ON c.id = ids.id JOIN channels ch ON ch.id = c.channel_id"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        let reader = Self.reader(p)
        var out: [Int64: ReportCase] = [:]
        var rows = try db.fetchCursor(sql, SQLArguments(args))
        while let r = try rows.next() {
            // Leads and admins see every case; anyone else counts only the cases they may see now.
            if !lead {
                let facts = CaseVisibility.Facts(channelKind: ChannelKind(rawValue: r["channel_kind"]) ?? .private, channelName: r["team"],
                                                 isMember: r["member"], isSwarmed: r["swarmed"])
                guard CaseVisibility.maySee(reader, facts) else { continue }
            }
            let id: Int64 = r["id"]
            let ownerId: Int64? = r["owner_id"]
            var met: Bool? = (r["due_met"] as Bool?) ?? ((r["due_missed"] as Bool?) == true ? false : nil)
            var business: Double?
            if columns.sla {
                business = r["business"]
                // A case the SLA clocks know is judged by its policy; others by the fixed due time.
                if let m: Bool = r["met"] { met = m }
            }
            out[id] = ReportCase(id: id, openedAt: r["opened"], firstResponseAt: r["first_response"], firstResponseBusinessSeconds: business,
                                 firstResponseMet: met, solvedAt: r["solved"], closedAt: r["closed"], resolvedChannel: r["resolved_channel"],
                                 redirected: columns.redirects ? (r["redirected"] as Bool?) : nil,
                                 owner: ownerId.flatMap { users[$0]?.name }, team: r["team"], handoffs: r["handoffs"],
                                 csat: columns.csat ? r["csat"] : nil, csatAt: columns.csat ? r["csat_at"] : nil)
        }
        try Self.addFirstInbound(db, to: &out)
        if columns.topics { try Self.addTopics(db, to: &out) }
        return out
    }

    /// The customer's first inbound contact of each case (its start, channel and account).
    static func addFirstInbound(_ db: SQLDB, to cases: inout [Int64: ReportCase]) throws {
        guard !cases.isEmpty else { return }
        // SQLite returns the other columns of the row holding MIN(at).
        var rows = try db.fetchCursor("""
            SELECT case_id, \(epoch("MIN(at)")) AS first, channel, account FROM timeline
            WHERE case_id IN (\(db.jsonIntegers())) AND kind = 'interaction' AND direction = 'inbound' GROUP BY case_id
            """, [jsonIds(Array(cases.keys))])
        while let r = try rows.next() {
            let id: Int64 = r["case_id"]
            cases[id]?.firstInboundAt = r["first"]
            cases[id]?.firstInboundChannel = r["channel"]
            cases[id]?.firstInboundAccount = r["account"]
        }
    }

    static func addTopics(_ db: SQLDB, to cases: inout [Int64: ReportCase]) throws {
        guard !cases.isEmpty else { return }
        var rows = try db.fetchCursor("SELECT case_id, topic FROM case_topics WHERE case_id IN (\(db.jsonIntegers()))", [jsonIds(Array(cases.keys))])
        while let r = try rows.next() { cases[r["case_id"]]?.topics.append(r["topic"]) }
    }

    /// The contacts of the period, of the cases kept (so a hidden case's contacts are not counted).
    static func reportContacts(_ db: SQLDB, span: (String, String), columns: ReportColumns, users: [Int64: ReportUser],
                               cases: [Int64: ReportCase]) throws -> [ReportContact] {
        var extra = ""
        if columns.redirects { extra += ", redirect_to" }
        if columns.duplicates { extra += ", duplicate_of" }
        var rows = try db.fetchCursor("""
            SELECT case_id, \(epoch("at")) AS at, direction, channel, account, dedicated, by_user\(extra)
            FROM timeline INDEXED BY timeline_contacts_at WHERE kind = 'interaction' AND at >= ? AND at < ?
            """, [span.0, span.1])
        var out: [ReportContact] = []
        while let r = try rows.next() {
            guard let caseId: Int64 = r["case_id"], let theCase = cases[caseId] else { continue }
            let direction = Direction(rawValue: r["direction"] ?? "") ?? .inbound
            var responder: String?
            if direction == .outbound {
                // A response relayed by a bot is credited to the case's owner.
                let by: Int64? = r["by_user"]
                responder = by.flatMap { users[$0] }.flatMap { $0.isBot ? nil : $0.name } ?? theCase.owner
            }
            let redirectTo: String? = columns.redirects ? r["redirect_to"] : nil
            out.append(ReportContact(at: r["at"], channel: r["channel"] ?? "unknown", account: r["account"], dedicated: r["dedicated"] ?? false,
                                     direction: direction, caseId: caseId, responder: responder, isRedirect: redirectTo != nil,
                                     redirectTo: redirectTo, isDuplicate: columns.duplicates && (r["duplicate_of"] as Int64?) != nil))
        }
        return out
    }
}

/// Which tables and columns of the separately built parts exist in this database. Probed per
/// report (two cheap catalogue reads), so a database migrated while the server runs is seen at once.
struct ReportColumns {
    var sla = false
    var topics = false
    var csat = false
    var redirects = false
    var duplicates = false

    static func probe(_ db: SQLDB) throws -> ReportColumns {
        let tables = Set(try db.fetchAll(String.self, "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('case_sla', 'case_topics', 'case_csat')"))
        let timeline = Set(try db.fetchAll(String.self, "SELECT name FROM pragma_table_info('timeline')"))
        var c = ReportColumns()
        c.sla = tables.contains("case_sla")
        c.topics = tables.contains("case_topics")
        c.csat = tables.contains("case_csat")
        c.redirects = timeline.contains("redirect_to")
        c.duplicates = timeline.contains("duplicate_of")
        return c
    }

    var sources: ReportSources {
        ReportSources(businessHours: sla, duplicates: duplicates, redirects: redirects, topics: topics, csat: csat)
    }
}
