/// Requests and replies of the `kb.*` ops.

public struct KBCreateRequest: Codable, Sendable {
    public var title: String
    public var body: String
    public var tags: [String]?
    public var products: [String]?
    public var language: String?
    public var audience: KBAudience?
    public var replyTemplate: String?

    enum CodingKeys: String, CodingKey {
        case title, body, tags, products, language, audience
        case replyTemplate = "reply_template"
    }

    public init(title: String, body: String, tags: [String]? = nil, products: [String]? = nil, language: String? = nil,
                audience: KBAudience? = nil, replyTemplate: String? = nil) {
        self.title = title
        self.body = body
        self.tags = tags
        self.products = products
        self.language = language
        self.audience = audience
        self.replyTemplate = replyTemplate
    }
}

/// `kb.update`: a new version with the fields given; the others are carried over.
public struct KBUpdateRequest: Codable, Sendable {
    public var article: String
    public var title: String?
    public var body: String?
    public var tags: [String]?
    public var products: [String]?
    public var language: String?
    public var audience: KBAudience?
    public var replyTemplate: String?

    enum CodingKeys: String, CodingKey {
        case article, title, body, tags, products, language, audience
        case replyTemplate = "reply_template"
    }

    public init(article: String, title: String? = nil, body: String? = nil, tags: [String]? = nil, products: [String]? = nil,
                language: String? = nil, audience: KBAudience? = nil, replyTemplate: String? = nil) {
        self.article = article
        self.title = title
        self.body = body
        self.tags = tags
        self.products = products
        self.language = language
        self.audience = audience
        self.replyTemplate = replyTemplate
    }
}

public struct KBStateRequest: Codable, Sendable {
    public var article: String
    public var state: KBState
    public init(article: String, state: KBState) {
        self.article = article
        self.state = state
    }
}

public struct KBGetRequest: Codable, Sendable {
    public var article: String
    public var version: Int?
    public init(article: String, version: Int? = nil) {
        self.article = article
        self.version = version
    }
}

public struct KBGetReply: Codable, Sendable {
    /// The current article; with `version`, title/body/tags are those of that version.
    public var article: Article
    /// Every version: number, author, time (bodies through `kb.get {version}`).
    public var versions: [ArticleVersion]
    public init(article: Article, versions: [ArticleVersion]) {
        self.article = article
        self.versions = versions
    }
}

public struct KBListRequest: Codable, Sendable {
    public var state: KBState?
    public var tag: String?
    public var language: String?
    public var audience: KBAudience?
    public var author: String?
    public var before: String?
    public var limit: Int?
    public init(state: KBState? = nil, tag: String? = nil, language: String? = nil, audience: KBAudience? = nil, author: String? = nil,
                before: String? = nil, limit: Int? = nil) {
        self.state = state
        self.tag = tag
        self.language = language
        self.audience = audience
        self.author = author
        self.before = before
        self.limit = limit
    }
}

public struct KBListReply: Codable, Sendable {
    public var articles: [Article]
    public var nextBefore: String?
    enum CodingKeys: String, CodingKey {
        case articles
        case nextBefore = "next_before"
    }
    public init(articles: [Article], nextBefore: String?) {
        self.articles = articles
        self.nextBefore = nextBefore
    }
}

public struct KBSearchRequest: Codable, Sendable {
    public var query: String
    public var tags: [String]?
    public var language: String?
    public var limit: Int?
    public init(query: String, tags: [String]? = nil, language: String? = nil, limit: Int? = nil) {
        self.query = query
        self.tags = tags
        self.language = language
        self.limit = limit
    }
}

public struct KBSearchReply: Codable, Sendable {
    public var results: [KBHit]
    public init(results: [KBHit]) { self.results = results }
}

public struct KBSuggestRequest: Codable, Sendable {
    public var caseId: String
    public var limit: Int?
    enum CodingKeys: String, CodingKey {
        case limit
        case caseId = "case"
    }
    public init(caseId: String, limit: Int? = nil) {
        self.caseId = caseId
        self.limit = limit
    }
}

/// `kb.share`: into a case (its thread) or any thread the caller may post in.
public struct KBShareRequest: Codable, Sendable {
    public var article: String
    public var caseId: String?
    public var thread: String?
    public var comment: String?
    enum CodingKeys: String, CodingKey {
        case article, thread, comment
        case caseId = "case"
    }
    public init(article: String, caseId: String? = nil, thread: String? = nil, comment: String? = nil) {
        self.article = article
        self.caseId = caseId
        self.thread = thread
        self.comment = comment
    }
}

public struct KBSolvedRequest: Codable, Sendable {
    public var caseId: String
    public var article: String
    enum CodingKeys: String, CodingKey {
        case article
        case caseId = "case"
    }
    public init(caseId: String, article: String) {
        self.caseId = caseId
        self.article = article
    }
}

public struct KBSolvedReply: Codable, Sendable {
    public var article: String
    public var caseId: String
    /// False when this (case, article) pair was already recorded: counted once.
    public var recorded: Bool
    public var stats: ArticleStats
    enum CodingKeys: String, CodingKey {
        case article, recorded, stats
        case caseId = "case"
    }
    public init(article: String, caseId: String, recorded: Bool, stats: ArticleStats) {
        self.article = article
        self.caseId = caseId
        self.recorded = recorded
        self.stats = stats
    }
}

public struct KBCaptureRequest: Codable, Sendable {
    public var thread: String
    public var title: String
    public init(thread: String, title: String) {
        self.thread = thread
        self.title = title
    }
}

public struct KBRenderRequest: Codable, Sendable {
    public var article: String
    public var caseId: String
    enum CodingKeys: String, CodingKey {
        case article
        case caseId = "case"
    }
    public init(article: String, caseId: String) {
        self.article = article
        self.caseId = caseId
    }
}

public struct KBRenderReply: Codable, Sendable {
    public var text: String
    public var article: String
    public var version: Int
    public init(text: String, article: String, version: Int) {
        self.text = text
        self.article = article
        self.version = version
    }
}
