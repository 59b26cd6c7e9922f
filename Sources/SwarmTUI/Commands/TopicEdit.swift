import SwarmProtocol

/// `/case topics [CS12] +delivery -refund billing`: words with `-` remove a topic, the others
/// (with or without `+`) add one. No words: show the case's topics.
public struct TopicEdit: Equatable, Sendable {
    public var add: [String] = []
    public var remove: [String] = []

    public init(add: [String] = [], remove: [String] = []) {
        self.add = add
        self.remove = remove
    }

    public init(_ words: [String]) {
        for word in words where !word.isEmpty {
            if word.hasPrefix("-") { remove.append(String(word.dropFirst()).lowercased()) }
            else { add.append(String(word.hasPrefix("+") ? word.dropFirst() : Substring(word)).lowercased()) }
        }
        add.removeAll(where: \.isEmpty)
        remove.removeAll(where: \.isEmpty)
    }

    public var isEmpty: Bool { add.isEmpty && remove.isEmpty }

    static func run(_ c: ChatController, caseId: String, words: [String]) async throws {
        let edit = TopicEdit(words)
        let updated: Case
        if edit.isEmpty {
            updated = try await c.request(.caseGet, CaseRef(caseId: caseId), as: Case.self)
        } else {
            updated = try await c.request(.caseTopics, CaseTopicsRequest(caseId: caseId, add: edit.add.isEmpty ? nil : edit.add,
                                                                          remove: edit.remove.isEmpty ? nil : edit.remove), as: Case.self)
        }
        await c.remember(updated)
        let topics = updated.topics ?? []
        await c.notice("\(updated.id) topics: " + (topics.isEmpty ? "none" : topics.joined(separator: ", ")))
    }
}
