import SwarmProtocol
import SwarmTUI
import Testing

/// What the words after `/case list` ask the server for, and what `/help case` says about them.
@Suite("/case list filters")
struct CaseListFilterTests {
    @Test func caseListDefaultsToMineAndUnassigned() throws {
        let plain = try CaseListFilter.parse([])
        #expect(plain.owner == "me" && plain.includeUnowned == true && plain.status == [.new, .open, .pending])
        let mine = try CaseListFilter.parse(["mine"])
        #expect(mine.owner == "me" && mine.includeUnowned == nil)
        let free = try CaseListFilter.parse(["unassigned", "new"])
        #expect(free.owner == "none" && free.includeUnowned == nil && free.status == [.new])
        let all = try CaseListFilter.parse(["all", "solved", "closed", "#support", "tag:refund", "urgent", "CU4"])
        #expect(all.owner == nil && all.status == [.solved, .closed] && all.channel == "#support" && all.tag == "refund"
                && all.priority == .urgent && all.customer == "CU4")
        let bob = try CaseListFilter.parse(["@bob", "unassigned"])
        #expect(bob.owner == "bob" && bob.includeUnowned == true)
        #expect(throws: SwarmError.self) { try CaseListFilter.parse(["everything"]) }
        #expect(throws: SwarmError.self) { try CaseListFilter.parse(["all", "mine"]) }
        #expect(throws: SwarmError.self) { try CaseListFilter.parse(["mine", "@bob"]) }
        #expect(throws: SwarmError.self) { try CaseListFilter.parse(["low", "high"]) }
    }

    @Test func helpListsTheFiltersTakeAndRename() {
        #expect(CommandParser.help("case").contains("mine|unassigned|all|@user"))
        #expect(CommandParser.help("case").contains("/case take"))
        #expect(CommandParser.help("case").contains("/case rename"))
    }
}
