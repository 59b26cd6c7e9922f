/// Knowledge-base shapes. Article ids are `KB12`.

public enum KBState: String, Codable, Sendable, CaseIterable {
    case draft, approved, archived
}

public enum KBAudience: String, Codable, Sendable, CaseIterable {
    case `internal`, customer
}

/// How an article has been used: shares into cases, cases it solved, when it was last used.
public struct ArticleStats: Codable, Sendable, Equatable {
    public var shares: Int
    public var solved: Int
    public var lastUsed: String?
    /// Cases it was shared into or solved, newest first (at most 50).
    public var cases: [String]

    enum CodingKeys: String, CodingKey {
        case shares, solved, cases
        case lastUsed = "last_used"
    }

    public init(shares: Int, solved: Int, lastUsed: String?, cases: [String]) {
        self.shares = shares
        self.solved = solved
        self.lastUsed = lastUsed
        self.cases = cases
    }
}

public struct Article: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// Markdown.
    public var body: String
    public var tags: [String]
    public var products: [String]
    public var language: String
    public var audience: KBAudience
    public var state: KBState
    public var version: Int
    public var author: String
    public var authorName: String
    /// Customer-facing reply with `{{placeholders}}`, filled by `kb.render`.
    public var replyTemplate: String?
    /// The case a captured article came from.
    public var sourceCase: String?
    public var approvedBy: String?
    public var createdAt: String
    public var updatedAt: String
    public var stats: ArticleStats

    enum CodingKeys: String, CodingKey {
        case id, title, body, tags, products, language, audience, state, version, author, stats
        case authorName = "author_name"
        case replyTemplate = "reply_template"
        case sourceCase = "source_case"
        case approvedBy = "approved_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public init(id: String, title: String, body: String, tags: [String], products: [String], language: String, audience: KBAudience, state: KBState,
                version: Int, author: String, authorName: String, replyTemplate: String?, sourceCase: String?, approvedBy: String?,
                createdAt: String, updatedAt: String, stats: ArticleStats) {
        self.id = id
        self.title = title
        self.body = body
        self.tags = tags
        self.products = products
        self.language = language
        self.audience = audience
        self.state = state
        self.version = version
        self.author = author
        self.authorName = authorName
        self.replyTemplate = replyTemplate
        self.sourceCase = sourceCase
        self.approvedBy = approvedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.stats = stats
    }
}

public struct ArticleVersion: Codable, Sendable, Equatable {
    public var version: Int
    public var title: String
    public var body: String
    public var tags: [String]
    public var author: String
    public var at: String
    public init(version: Int, title: String, body: String, tags: [String], author: String, at: String) {
        self.version = version
        self.title = title
        self.body = body
        self.tags = tags
        self.author = author
        self.at = at
    }
}

public struct KBHit: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var tags: [String]
    public var language: String
    public var audience: KBAudience
    public var version: Int
    /// Title with matching words marked `**like this**`.
    public var titleHighlight: String
    /// A few words of the body around the match, marked the same way.
    public var snippet: String
    public var solved: Int
    /// Lower is better (bm25 with title weighted above tags above body, less a solved-by bonus).
    public var rank: Double

    enum CodingKeys: String, CodingKey {
        case id, title, tags, language, audience, version, snippet, solved, rank
        case titleHighlight = "title_highlight"
    }

    public init(id: String, title: String, tags: [String], language: String, audience: KBAudience, version: Int, titleHighlight: String,
                snippet: String, solved: Int, rank: Double) {
        self.id = id
        self.title = title
        self.tags = tags
        self.language = language
        self.audience = audience
        self.version = version
        self.titleHighlight = titleHighlight
        self.snippet = snippet
        self.solved = solved
        self.rank = rank
    }
}
