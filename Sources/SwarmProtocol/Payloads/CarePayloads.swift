/// Redirects, personal-data warnings, CSAT and tone-of-voice checks (PROTOCOL §25).

/// Something about a recorded contact worth a second look; nothing was refused.
/// `personal_data`: a public text holds `kinds` of personal data.
public struct ContactWarning: Codable, Sendable, Equatable {
    public var code: String
    public var kinds: [String]
    public var suggestion: String

    public init(code: String, kinds: [String], suggestion: String) {
        self.code = code
        self.kinds = kinds
        self.suggestion = suggestion
    }
}

/// A case's customer-satisfaction answer.
public struct CaseCSAT: Codable, Sendable, Equatable {
    public var score: Int
    public var comment: String?
    public var at: String

    public init(score: Int, comment: String?, at: String) {
        self.score = score
        self.comment = comment
        self.at = at
    }
}

/// `case.csat`: a survey answer for a solved or closed case.
public struct CaseCSATRequest: Codable, Sendable {
    public var caseId: String
    public var score: Int
    public var comment: String?

    enum CodingKeys: String, CodingKey {
        case score, comment
        case caseId = "case"
    }

    public init(caseId: String, score: Int, comment: String? = nil) {
        self.caseId = caseId
        self.score = score
        self.comment = comment
    }
}

/// `reply.check`: a draft reply to the case's customer, checked against the tone rules.
public struct ReplyCheckRequest: Codable, Sendable {
    public var caseId: String
    public var text: String

    enum CodingKeys: String, CodingKey {
        case text
        case caseId = "case"
    }

    public init(caseId: String, text: String) {
        self.caseId = caseId
        self.text = text
    }
}

/// Where in the checked text a finding is: Unicode code points, `end` exclusive.
public struct TextSpan: Codable, Sendable, Equatable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

public struct ToneFinding: Codable, Sendable, Equatable {
    public var rule: String
    public var message: String
    public var span: TextSpan?

    public init(rule: String, message: String, span: TextSpan? = nil) {
        self.rule = rule
        self.message = message
        self.span = span
    }
}

public struct ReplyCheckReply: Codable, Sendable, Equatable {
    public var caseId: String
    /// The language the rules were applied in: the customer's, else the configured default.
    public var language: String
    public var findings: [ToneFinding]

    enum CodingKeys: String, CodingKey {
        case language, findings
        case caseId = "case"
    }

    public init(caseId: String, language: String, findings: [ToneFinding]) {
        self.caseId = caseId
        self.language = language
        self.findings = findings
    }
}
