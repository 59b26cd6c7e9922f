import Foundation
import SwarmCore
import SwarmProtocol

/// Validated article fields, and the row ↔ model pieces every KB op shares.
struct ArticleFields: Sendable {
    var title: String
    var body: String
    var tags: [String]
    var products: [String]
    var language: String
    var audience: KBAudience
    var replyTemplate: String?

    init(title: String, body: String, tags: [String], products: [String], language: String, audience: KBAudience, replyTemplate: String?) throws {
        self.title = try SQLiteStore.validText(title, field: "title", max: 200)
        self.body = try SQLiteStore.validText(body, field: "body", max: 100_000)
        self.tags = try CaseRules.validTags(tags)
        self.products = try CaseRules.validTags(products)
        let lang = language.lowercased()
        guard (2...8).contains(lang.count), lang.allSatisfy({ $0.isLetter || $0 == "-" }) else { throw SwarmError.badRequest("language is a code like en, it, pt-br") }
        self.language = lang
        self.audience = audience
        if let t = replyTemplate, t.count > 20_000 { throw SwarmError.badRequest("reply_template is at most 20000 characters") }
        self.replyTemplate = replyTemplate?.isEmpty == true ? nil : replyTemplate
    }
}

extension SQLiteStore {
    static let articleSelect = """
        SELECT a.*, u.name AS author_name FROM kb_articles a JOIN users u ON u.id = a.author_id
        """

    /// One article and its version 1 (an approved one is approved by its author and counted in
    /// kb_terms; bulk import has its own `insertArticles`).
    static func insertArticle(_ tx: WriteTx, author: Int64, _ f: ArticleFields, state: KBState, sourceCase: Int64?) throws -> Int64 {
        let now = Timestamp.now()
        try tx.db.execute("""
            INSERT INTO kb_articles(title, body, tags, tags_json, products, language, audience, state, version, author_id, reply_template,
                                    source_case, approved_by, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)
            """, [f.title, f.body, f.tags.joined(separator: " "), try json(tx, f.tags), try json(tx, f.products), f.language,
                                     f.audience.rawValue, state.rawValue, author, f.replyTemplate, sourceCase, state == .approved ? author : nil, now, now])
        let id = try tx.db.lastInsertedRowID
        if state == .approved {
            try tx.db.sqliteOnly { try KBTerms.replace($0, old: nil, new: (f.title, f.tags.joined(separator: " "), f.body)) }
        }
        try saveArticleVersion(tx, id: id, version: 1, f, author: author)
        return id
    }

    /// Records a new current version. Its body stays in kb_articles only; the body of the version
    /// it replaces (`previousBody`) moves into that version's row.
    static func saveArticleVersion(_ tx: WriteTx, id: Int64, version: Int, _ f: ArticleFields, author: Int64, previousBody: String? = nil) throws {
        if let previousBody {
            try tx.db.execute("UPDATE kb_versions SET body = ? WHERE article_id = ? AND version = ?", [previousBody, id, version - 1])
        }
        try tx.db.execute("INSERT INTO kb_versions(article_id, version, title, body, tags_json, author_id, at) VALUES (?, ?, ?, NULL, ?, ?, ?)", [id, version, f.title, try json(tx, f.tags), author, Timestamp.now()])
    }

    static func articleRow(_ db: SQLDB, ref: String) throws -> SQLRow {
        let id = try Ids.require(.article, ref, field: "article")
        guard let row = try db.fetchOne(articleSelect + " WHERE a.id = ?", [id]) else {
            throw SwarmError.notFound("no such article: \(ref.prefix(32))")
        }
        return row
    }

    static func articleModel(_ db: SQLDB, id: Int64, for p: Principal) throws -> Article {
        try articleModel(db, try articleRow(db, ref: Ids.make(.article, id)), for: p)
    }

    /// The article as `p` may see it: the cases it names (`source_case`, `stats.cases`) only when
    /// `p` may see them (CaseVisibility); the counts stay whole, they say nothing about a case.
    static func articleModel(_ db: SQLDB, _ row: SQLRow, for p: Principal) throws -> Article {
        let approvedBy: Int64? = row["approved_by"]
        let source: Int64? = try (row["source_case"] as Int64?).flatMap { try visibleCases(db, p, among: [$0]).contains($0) ? $0 : nil }
        return Article(id: Ids.make(.article, row["id"]), title: row["title"], body: row["body"], tags: decodeList(row["tags_json"]),
                       products: decodeList(row["products"]), language: row["language"], audience: KBAudience(rawValue: row["audience"]) ?? .internal,
                       state: KBState(rawValue: row["state"]) ?? .draft, version: row["version"], author: Ids.make(.user, row["author_id"]),
                       authorName: row["author_name"], replyTemplate: row["reply_template"], sourceCase: source.map { Ids.make(.case, $0) },
                       approvedBy: approvedBy.map { Ids.make(.user, $0) }, createdAt: row["created_at"], updatedAt: row["updated_at"],
                       stats: try articleStats(db, id: row["id"], for: p))
    }

    static func articleStats(_ db: SQLDB, id: Int64, for p: Principal) throws -> ArticleStats {
        let counts = try db.fetchOne("SELECT shares, solved, last_used FROM kb_counts WHERE article_id = ?", [id])
        let cases = try db.fetchAll(Int64.self, """
            SELECT case_id FROM (SELECT case_id, at FROM kb_shares WHERE article_id = ?1 AND case_id IS NOT NULL
                                 UNION ALL SELECT case_id, at FROM kb_solved WHERE article_id = ?1) AS uses
            GROUP BY case_id ORDER BY MAX(at) DESC LIMIT 50
            """, [id])
        let visible = try visibleCases(db, p, among: cases)
        return ArticleStats(shares: counts?["shares"] ?? 0, solved: counts?["solved"] ?? 0, lastUsed: counts?["last_used"],
                            cases: cases.filter(visible.contains).map { Ids.make(.case, $0) })
    }

    static func isEditor(_ db: SQLDB, _ p: Principal, editorSkill: String) throws -> Bool {
        let skills = decodeList(try db.fetchOne(String.self, "SELECT skills FROM users WHERE id = ?", [p.id]))
        return KBRules.isEditor(role: p.role, skills: skills, editorSkill: editorSkill)
    }

    static func kbAccess(_ db: SQLDB, _ p: Principal, _ row: SQLRow, editorSkill: String) throws -> (read: Bool, write: Bool, editor: Bool, author: Bool) {
        let editor = try isEditor(db, p, editorSkill: editorSkill)
        let author = (row["author_id"] as Int64) == p.id
        let state = KBState(rawValue: row["state"]) ?? .draft
        return (KBRules.mayRead(state: state, isAuthor: author, isEditor: editor),
                KBRules.mayWrite(role: p.role, state: state, isAuthor: author, isEditor: editor), editor, author)
    }

    /// The article if this caller may see it. One that exists but is hidden from them (another
    /// author's draft) answers `not_found` like one that does not exist, so drafts do not leak.
    static func visibleArticle(_ db: SQLDB, _ p: Principal, ref: String, editorSkill: String) throws
        -> (row: SQLRow, access: (read: Bool, write: Bool, editor: Bool, author: Bool)) {
        let row = try articleRow(db, ref: ref)
        let access = try kbAccess(db, p, row, editorSkill: editorSkill)
        guard access.read else { throw SwarmError.notFound("no such article: \(ref.prefix(32))") }
        return (row, access)
    }

    static func json<T: Encodable>(_ tx: WriteTx, _ value: T) throws -> String {
        String(decoding: try tx.encoder.encode(value), as: UTF8.self)
    }

    static func decodeList(_ text: String?) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data((text ?? "[]").utf8))) ?? []
    }

    /// Numeric order of a wire id (`M17` → 17).
    static func order(_ id: String) -> Int64 { Int64(id.drop { $0.isLetter }) ?? 0 }
}
