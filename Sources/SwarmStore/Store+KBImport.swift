import Foundation
import SwarmCore
import SwarmProtocol

/// One article in the knowledge base's import/export format (one JSON object per JSONL line).
/// Audience and state are plain strings so that a bad value is reported as a bad line with a
/// reason, not as an undecodable one.
public struct KBArticleRecord: Codable, Sendable, Equatable {
    /// Set by export (`KB12`); ignored by import, which always creates new articles.
    public var id: String?
    public var title: String
    public var body: String
    public var tags: [String]?
    public var products: [String]?
    public var language: String?
    public var audience: String?
    public var replyTemplate: String?
    public var state: String?

    enum CodingKeys: String, CodingKey {
        case id, title, body, tags, products, language, audience, state
        case replyTemplate = "reply_template"
    }

    public init(id: String? = nil, title: String, body: String, tags: [String]? = nil, products: [String]? = nil, language: String? = nil,
                audience: String? = nil, replyTemplate: String? = nil, state: String? = nil) {
        self.id = id
        self.title = title
        self.body = body
        self.tags = tags
        self.products = products
        self.language = language
        self.audience = audience
        self.replyTemplate = replyTemplate
        self.state = state
    }
}

/// A record import refused: its position in the input and why.
public struct KBImportRejection: Sendable, Equatable {
    public var index: Int
    public var reason: String
}

public struct KBImportResult: Sendable {
    public var imported: Int
    public var rejected: [KBImportRejection]
}

extension SQLiteStore {
    /// Articles per write transaction. Each `write` holds the single writer, so the batch is big
    /// enough that commit cost vanishes (≈1 fsync per 5,000 articles) yet small enough that
    /// the server's other writers wait at most a fraction of a second between batches.
    public static let kbImportBatch = 5_000

    /// Bulk import: validates every record (the bad ones are returned with their index and reason,
    /// the rest imported), then inserts in batches of `batchSize` per transaction. Each article
    /// gets its version 1; the FTS indexes follow through their triggers, and kb_terms is rebuilt
    /// once at the end. A record's own state wins over `state`; approved articles are approved by
    /// `author`.
    public func importArticles(_ records: [KBArticleRecord], author: Principal, state: KBState = .approved,
                               batchSize: Int = SQLiteStore.kbImportBatch) async throws -> KBImportResult {
        let size = max(1, batchSize)
        return try await importArticles(batches: stride(from: 0, to: records.count, by: size).lazy.map { Array(records[$0..<min(records.count, $0 + size)]) },
                                        author: author, state: state)
    }

    /// The same, one transaction per batch, taking batches as `batches` produces them so that a
    /// generator or a reader need not hold the whole base in memory. Rejection indexes count
    /// across batches.
    public func importArticles<S: Sequence<[KBArticleRecord]>>(batches: S, author: Principal, state: KBState = .approved) async throws -> KBImportResult {
        var rejected: [KBImportRejection] = []
        var imported = 0
        var offset = 0
        for records in batches {
            var valid: [(ArticleFields, KBState)] = []
            valid.reserveCapacity(records.count)
            for (i, r) in records.enumerated() {
                do {
                    valid.append((try Self.importFields(r), try Self.importState(r.state, default: state)))
                } catch let e as SwarmError {
                    rejected.append(KBImportRejection(index: offset + i, reason: e.message))
                }
            }
            offset += records.count
            let chunk = valid
            guard !chunk.isEmpty else { continue }
            imported += try await write { tx in
                // Until the rebuild below, kb_terms misses this batch's words; if the import
                // stops half way, the store rebuilds it when it next opens.
                try tx.db.sqliteOnly(KBTerms.markStale)
                for start in stride(from: 0, to: chunk.count, by: Self.kbImportRowsPerStatement) {
                    try Self.insertArticles(tx, chunk[start..<min(chunk.count, start + Self.kbImportRowsPerStatement)], author: author.id)
                }
                return chunk.count
            }
        }
        if imported > 0 { try await write { tx in try tx.db.sqliteOnly(KBTerms.refresh) } }
        return KBImportResult(imported: imported, rejected: rejected)
    }

    /// Rows per INSERT statement of a bulk import. SQLite 3.40's FTS5 writes out its pending
    /// terms at the start of every statement that changes the table (its savepoint hook), so one
    /// article per statement made one tiny index segment per article, merged again and again:
    /// 100,000 articles took 31–37 s that way against 24–25 s at 500–2,000 rows per statement
    /// (a Python replay of the same rows through the system SQLite, 2026-12-01). 1,000 rows of 15
    /// parameters stay under SQLite's 32,766 bound parameters.
    static let kbImportRowsPerStatement = 1_000

    /// Inserts articles (and their version 1) with one statement per table.
    static func insertArticles(_ tx: WriteTx, _ rows: ArraySlice<(ArticleFields, KBState)>, author: Int64) throws {
        let now = Timestamp.now()
        var articleArguments: [(any SQLBindable)?] = []
        articleArguments.reserveCapacity(rows.count * 15)
        var versionTags: [String] = []
        for (f, state) in rows {
            let tags = try json(tx, f.tags)
            versionTags.append(tags)
            articleArguments += [f.title, f.body, f.tags.joined(separator: " "), tags, try json(tx, f.products), f.language, f.audience.rawValue,
                                 state.rawValue, author, f.replyTemplate, state == .approved ? author : nil, now, now]
        }
        let marks = Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, NULL, ?, ?, ?)", count: rows.count).joined(separator: ", ")
        // RETURNING gives the ids on both backends (on PostgreSQL another node may take ids between
        // ours); its row order is unspecified, but ids grow in row order within one statement.
        let ids = try tx.db.fetchAll(Int64.self, """
            INSERT INTO kb_articles(title, body, tags, tags_json, products, language, audience, state, version, author_id, reply_template,
                                    source_case, approved_by, created_at, updated_at) VALUES \(marks) RETURNING id
            """, SQLArguments(articleArguments)).sorted()
        var versionArguments: [(any SQLBindable)?] = []
        versionArguments.reserveCapacity(rows.count * 5)
        for (i, (f, _)) in rows.enumerated() {
            versionArguments += [ids[i], f.title, versionTags[i], author, now]
        }
        let versionMarks = Array(repeating: "(?, 1, ?, NULL, ?, ?, ?)", count: rows.count).joined(separator: ", ")
        try tx.db.execute("INSERT INTO kb_versions(article_id, version, title, body, tags_json, author_id, at) VALUES \(versionMarks)",
                          SQLArguments(versionArguments))
    }

    /// Current version of up to `limit` articles with ids above `after`, in id order, every state:
    /// export pages through the whole base without holding it in memory.
    public func exportArticles(after: Int64 = 0, limit: Int = 1_000) async throws -> [KBArticleRecord] {
        try await read { db in
            try db.fetchAll("""
                SELECT id, title, body, tags_json, products, language, audience, reply_template, state FROM kb_articles WHERE id > ? ORDER BY id LIMIT ?
                """, [after, limit]).map { r in
                KBArticleRecord(id: Ids.make(.article, r["id"]), title: r["title"], body: r["body"], tags: Self.decodeList(r["tags_json"]),
                                products: Self.decodeList(r["products"]), language: r["language"], audience: r["audience"],
                                replyTemplate: r["reply_template"], state: r["state"])
            }
        }
    }

    static func importFields(_ r: KBArticleRecord) throws -> ArticleFields {
        var audience = KBAudience.internal
        if let a = r.audience {
            guard let parsed = KBAudience(rawValue: a.lowercased()) else { throw SwarmError.badRequest("audience must be internal or customer") }
            audience = parsed
        }
        return try ArticleFields(title: r.title, body: r.body, tags: r.tags ?? [], products: r.products ?? [], language: r.language ?? "en",
                                 audience: audience, replyTemplate: r.replyTemplate)
    }

    static func importState(_ s: String?, default d: KBState) throws -> KBState {
        guard let s else { return d }
        guard let state = KBState(rawValue: s.lowercased()) else { throw SwarmError.badRequest("state must be draft, approved or archived") }
        return state
    }
}
