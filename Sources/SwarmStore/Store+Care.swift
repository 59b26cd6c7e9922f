import Foundation
import SwarmCore
import SwarmProtocol

/// Redirects, personal-data warnings, CSAT and tone-of-voice checks (PROTOCOL §25).
extension SQLiteStore {
    /// The channel a `case.interaction` redirects to, or nil for a plain contact. A redirect is an
    /// outbound message that names its target; anything else about the pair is a client error.
    static func redirectTarget(kind: String?, redirectTo: String?, direction: Direction) throws -> ContactChannel? {
        switch kind ?? "contact" {
        case "contact":
            guard redirectTo == nil else { throw SwarmError.badRequest("redirect_to goes with kind redirect") }
            return nil
        case "redirect":
            guard let redirectTo else { throw SwarmError.badRequest("a redirect needs redirect_to (the contact channel the customer is sent to)") }
            guard let target = ContactChannel(rawValue: redirectTo) else {
                throw SwarmError.badRequest("redirect_to must be one of \(ContactChannel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard direction == .outbound else { throw SwarmError.badRequest("a redirect is an outbound message (direction outbound)") }
            return target
        default:
            throw SwarmError.badRequest("kind must be contact or redirect")
        }
    }

    /// The warning for a public text holding personal data; private contacts get none.
    static func personalDataWarnings(text: String, isPublic: Bool?) -> (kinds: [PersonalData.Kind], warnings: [ContactWarning]?) {
        guard isPublic == true else { return ([], nil) }
        let kinds = PersonalData.kinds(in: text)
        guard !kinds.isEmpty else { return ([], nil) }
        return (kinds, [ContactWarning(code: "personal_data", kinds: kinds.map(\.rawValue), suggestion: "redirect to a private channel")])
    }

    /// Records a case's CSAT answer: once, on a solved or closed case (`CSATRule`); a timeline
    /// entry `csat` and `case.updated` with change `csat`. Returns the Case.
    /// `now`: default the store's clock (the one SLA and case moves read), so reports place the
    /// answer in the same time line as the solve.
    public func csat(_ p: Principal, _ req: CaseCSATRequest, now clock: Date? = nil) async throws -> Case {
        let now = clock ?? sla.now()
        let (score, comment): (Int, String?)
        do { (score, comment) = try CSATRule.checked(score: req.score, comment: req.comment) } catch { throw SwarmError.badRequest(error.description) }
        return try await write { tx in
            let db = tx.db
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .caseCsat)
            let caseId: Int64 = row["id"]
            let rated = try db.fetchOne(Int64.self, "SELECT 1 FROM case_csat WHERE case_id = ?", [caseId]) != nil
            do {
                try CSATRule.mayRecord(status: CaseStatus(rawValue: row["status"]) ?? .open, alreadyRated: rated)
            } catch {
                throw SwarmError.conflict("\(error)")
            }
            let at = Timestamp.format(now)
            try db.execute("INSERT INTO case_csat(case_id, score, comment, at, by_user) VALUES (?, ?, ?, ?, ?)", [caseId, score, comment, at, p.id])
            var data: [String: JSONValue] = ["score": .number(Double(score))]
            if let comment { data["comment"] = .string(comment) }
            try Self.addTimeline(tx, customer: row["customer_id"], caseId: caseId, kind: "csat",
                                 text: "CSAT \(score)/5" + (comment.map { " — " + Self.clip($0, 480) } ?? ""), at: at, by: p.id, data: .object(data))
            return try Self.announce(tx, caseId: caseId, change: "csat", by: p)
        }
    }

    /// A case's CSAT answer, if any (for the Case shape).
    static func caseCSAT(_ db: SQLDB, caseId: Int64) throws -> CaseCSAT? {
        try db.fetchOne("SELECT score, comment, at FROM case_csat WHERE case_id = ?", [caseId]).map {
            CaseCSAT(score: $0["score"], comment: $0["comment"], at: $0["at"])
        }
    }

    /// Checks a draft reply to the case's customer against the tone rules, in the customer's
    /// language (else the rules' default). Reads only; the caller must be allowed to see the case.
    public func replyCheck(_ p: Principal, _ req: ReplyCheckRequest, rules: ToneRules) async throws -> ReplyCheckReply {
        let text = try Self.validText(req.text, field: "text", max: 16_000)
        let language: String? = try await read { db in
            let row = try Self.caseRow(db, ref: req.caseId)
            try Self.authorize(db, p, caseRow: row, .replyCheck)
            return try db.fetchOne(String.self, "SELECT language FROM customers WHERE id = ?", [row["customer_id"]])
        }
        let lang = rules.language(forCustomer: language)
        let findings = rules.check(text, language: lang).map {
            ToneFinding(rule: $0.rule, message: $0.message, span: $0.span.map { TextSpan(start: $0.lowerBound, end: $0.upperBound) })
        }
        return ReplyCheckReply(caseId: req.caseId, language: lang, findings: findings)
    }
}
