import SwarmCore
import SwarmProtocol
import Testing

@Suite("CSAT rule")
struct CSATRuleTests {
    @Test("scores 1–5; comments trimmed, blank meaning none, at most 2000 characters")
    func values() throws {
        #expect(try CSATRule.checked(score: 5, comment: "  great  ") == (5, "great"))
        #expect(try CSATRule.checked(score: 1, comment: " ") == (1, nil))
        for bad in [0, 6, -1, Int.max] { #expect(throws: CSATRule.Refusal.score) { try CSATRule.checked(score: bad, comment: nil) } }
        #expect(throws: CSATRule.Refusal.comment) { try CSATRule.checked(score: 3, comment: String(repeating: "x", count: 2001)) }
    }

    @Test("once per solved or closed case")
    func once() throws {
        try CSATRule.mayRecord(status: .solved, alreadyRated: false)
        try CSATRule.mayRecord(status: .closed, alreadyRated: false)
        #expect(throws: CSATRule.Refusal.alreadyRated) { try CSATRule.mayRecord(status: .solved, alreadyRated: true) }
        for open in [CaseStatus.new, .open, .pending] {
            #expect(throws: CSATRule.Refusal.openCase(open)) { try CSATRule.mayRecord(status: open, alreadyRated: false) }
        }
    }
}
