import SwarmProtocol

/// Picking work up: `/case list` (mine and unassigned by default), `/case take`, `/case rename`.
/// Called from `CaseCommands.run` with the case target already taken out of the words.
enum CaseWorkCommands {
    static func list(_ c: ChatController, _ words: [String]) async throws {
        let request = try CaseListFilter.parse(words)
        let list = try await c.request(.caseList, request, as: CaseListReply.self)
        await c.notice(list.cases.isEmpty ? "no cases match" : list.cases.map(CasePages.summary).joined(separator: "\n"))
    }

    /// Makes the case mine (a `new` case becomes `open`); `/thread` or `/case join` opens it.
    static func take(_ c: ChatController, _ caseId: String, _ words: [String]) async throws {
        guard words.isEmpty else { throw SwarmError.badRequest("usage: /case take [CS12]") }
        let taken = try await c.request(.caseUpdate, CaseUpdateRequest(caseId: caseId, owner: "me"), as: Case.self)
        await c.remember(taken)
        await c.notice("took " + CasePages.summary(taken))
    }

    static func rename(_ c: ChatController, _ caseId: String, _ words: [String]) async throws {
        let title = words.joined(separator: " ")
        guard !title.isEmpty else { throw SwarmError.badRequest("usage: /case rename [CS12] new title") }
        let renamed = try await c.request(.caseUpdate, CaseUpdateRequest(caseId: caseId, title: title), as: Case.self)
        await c.remember(renamed)
        await c.notice("renamed " + CasePages.summary(renamed))
    }
}
