import SwarmProtocol

/// Customer satisfaction (PROTOCOL §25 `case.csat`): one score 1–5 per case, given once the case
/// is solved or closed — a survey answered about an open case, or a second answer for the same
/// case (a survey bridge retrying, a customer clicking twice), is a conflict, not an overwrite.
public enum CSATRule {
    public static let scores = 1...5
    public static let maxCommentLength = 2000

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case score, comment, openCase(CaseStatus), alreadyRated

        public var description: String {
            switch self {
            case .score: "score must be an integer 1–5"
            case .comment: "comment must be 1–\(CSATRule.maxCommentLength) characters"
            case .openCase(let s): "the case is \(s.rawValue); CSAT is recorded once it is solved or closed"
            case .alreadyRated: "this case already has a CSAT score"
            }
        }
    }

    /// Checks what a client sent: the score and the comment (trimmed; blank means none).
    public static func checked(score: Int, comment: String?) throws(Refusal) -> (Int, String?) {
        guard scores.contains(score) else { throw .score }
        guard let comment else { return (score, nil) }
        let trimmed = comment.trimmingWhitespace()
        guard trimmed.count <= maxCommentLength else { throw .comment }
        return (score, trimmed.isEmpty ? nil : trimmed)
    }

    /// Whether a score may be recorded on a case in `status` that has (or has not) one already.
    public static func mayRecord(status: CaseStatus, alreadyRated: Bool) throws(Refusal) {
        guard status == .solved || status == .closed else { throw .openCase(status) }
        guard !alreadyRated else { throw .alreadyRated }
    }
}
