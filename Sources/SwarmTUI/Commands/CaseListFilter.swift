import SwarmProtocol

/// The words after `/case list`, as a `case.list` request. With no words: the active cases that
/// are mine or nobody's yet, the queue an agent picks work from.
public enum CaseListFilter {
    /// Shown by `/help case`.
    public static let help = [
        "/case list [mine|unassigned|all|@user] [new|open|pending|solved|closed …] [low|normal|high|urgent] [#channel] [tag:x] [CU12]",
        "  default: active cases (new, open, pending) that are yours or unassigned, newest first",
        "  mine: only yours · unassigned: only nobody's · all: anyone's · @user: theirs (with unassigned: theirs and nobody's)",
    ]

    public static func parse(_ words: [String]) throws -> CaseListRequest {
        var request = CaseListRequest()
        var owners: [String] = []
        var statuses: [CaseStatus] = []
        for word in words {
            if let s = CaseStatus(rawValue: word) {
                statuses.append(s)
            } else if let p = CasePriority(rawValue: word) {
                guard request.priority == nil else { throw SwarmError.badRequest("one priority at a time") }
                request.priority = p
            } else if ["mine", "me", "unassigned", "all"].contains(word) || (word.hasPrefix("@") && word.count > 1) {
                owners.append(word)
            } else if word.hasPrefix("#"), word.count > 1 {
                request.channel = word
            } else if word.hasPrefix("tag:"), word.count > 4 {
                request.tag = String(word.dropFirst(4))
            } else if word.count > 2, word.hasPrefix("CU"), word.dropFirst(2).allSatisfy(\.isNumber) {
                request.customer = word
            } else {
                throw SwarmError.badRequest("/case list: unknown filter \(word); /help case lists them")
            }
        }
        request.status = statuses.isEmpty ? [.new, .open, .pending] : statuses
        let person = owners.first { $0.hasPrefix("@") }.map { String($0.dropFirst()) }
        let unassigned = owners.contains("unassigned")
        switch (owners.contains("all"), owners.contains("mine") || owners.contains("me"), person) {
        case (true, _, _) where owners.count > 1:
            throw SwarmError.badRequest("all means anyone's: give it alone")
        case (true, _, _):
            break
        case (false, true, .some(_)):
            throw SwarmError.badRequest("mine or @user, not both")
        case (false, true, nil):
            request.owner = "me"
            request.includeUnowned = unassigned ? true : nil
        case (false, false, let name?):
            request.owner = name
            request.includeUnowned = unassigned ? true : nil
        case (false, false, nil):
            if unassigned {
                request.owner = "none"
            } else {
                request.owner = "me"
                request.includeUnowned = true
            }
        }
        return request
    }
}
