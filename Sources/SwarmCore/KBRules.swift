import Foundation
import SwarmProtocol

/// Who may do what with knowledge-base articles, and how reply templates are filled.
public enum KBRules {
    /// Editors approve, archive and edit approved articles: leads, admins, and people with the
    /// configured editor skill (`kb.editor_skill`).
    public static func isEditor(role: Role, skills: [String], editorSkill: String) -> Bool {
        role == .lead || role == .admin || (role != .bot && skills.contains(editorSkill))
    }

    /// State moves: editors make any; an author who is not an editor may only withdraw their
    /// draft (archive it) and bring it back — never touch an approved article.
    public static func mayMove(from: KBState, to: KBState, isAuthor: Bool, isEditor: Bool) -> Bool {
        if isEditor { return true }
        return isAuthor && ((from == .draft && to == .archived) || (from == .archived && to == .draft))
    }

    /// Drafts and archived articles are visible to their author and to editors; approved ones to all.
    public static func mayRead(state: KBState, isAuthor: Bool, isEditor: Bool) -> Bool {
        state == .approved || isAuthor || isEditor
    }

    /// Authors edit their drafts; editors edit anything. Bots write nothing.
    public static func mayWrite(role: Role, state: KBState, isAuthor: Bool, isEditor: Bool) -> Bool {
        role != .bot && (isEditor || (isAuthor && state == .draft))
    }

    /// Fills `{{name}}` placeholders from `values`; a name with no value is an error naming it,
    /// so a reply never goes out with a hole in it.
    public static func render(_ template: String, values: [String: String]) throws -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { throw SwarmError.badRequest("unclosed {{ in the reply template") }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else { throw SwarmError.badRequest("the reply template uses {{\(name)}}, which this case has no value for") }
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
