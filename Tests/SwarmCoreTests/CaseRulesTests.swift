import SwarmCore
import SwarmProtocol
import Testing

@Suite("Case rules without I/O")
struct CaseRulesTests {
    @Test func channelPatternsMatchLikeGlobs() {
        #expect(TokenScope.matches(pattern: "support-*", "support-billing"))
        #expect(TokenScope.matches(pattern: "#support-*", "support-"))
        #expect(!TokenScope.matches(pattern: "support-*", "support"))
        #expect(TokenScope.matches(pattern: "support*", "support"))
        #expect(TokenScope.matches(pattern: "*-eu", "billing-eu"))
        #expect(!TokenScope.matches(pattern: "billing", "billing-eu"))
        #expect(TokenScope.matches(pattern: "*", "anything"))
        let scope = TokenScope(ops: ["case.interaction"], channels: ["support-*"])
        #expect(scope.allows(op: "hello") && scope.allows(op: "ping") && scope.allows(op: "case.interaction"))
        #expect(!scope.allows(op: "message.post"))
        #expect(!scope.allows(channel: "sales") && scope.allows(channel: "support-returns"))
        #expect(TokenScope.unlimited.allows(op: "case.note") && TokenScope.unlimited.allows(channel: "x"))
    }

    @Test func handoffNotesNeedASentence() {
        #expect(!CaseRules.isUsableHandoffNote("over"))
        #expect(!CaseRules.isUsableHandoffNote("see above pls"))          // three words, too short
        #expect(!CaseRules.isUsableHandoffNote("1234 5678 9012 3456 7890"))   // no words with letters
        #expect(CaseRules.isUsableHandoffNote("Refund approved, confirm with customer."))
    }

    @Test func statusMovesAndTags() throws {
        #expect(CaseLifecycle.mayMove(from: .new, to: .solved))
        #expect(CaseLifecycle.mayMove(from: .solved, to: .open) && CaseLifecycle.mayMove(from: .closed, to: .open))
        #expect(!CaseLifecycle.mayMove(from: .solved, to: .pending) && !CaseLifecycle.mayMove(from: .closed, to: .solved))
        #expect(!CaseLifecycle.mayMove(from: .open, to: .open) && !CaseLifecycle.mayMove(from: .open, to: .new))
        #expect(try CaseRules.validTags(["Refund", "#visa", "refund"]) == ["refund", "visa"])
        #expect(throws: SwarmError.self) { try CaseRules.validTags(["no spaces allowed"]) }
    }

    @Test func everyRoleHasAnAnswerForEveryCaseOp() {
        for op in CasePermissions.caseOps {
            #expect(CasePermissions.access(.lead, op) == .any)
            #expect(CasePermissions.access(.bot, op) == (CasePermissions.botScopableOps.contains(op) ? .scoped : .none))
        }
        #expect(CasePermissions.access(.agent, .customerMerge) == .none)
        #expect(CasePermissions.access(.marketing, .caseHandoff) == .none && CasePermissions.access(.product, .caseNote) == .swarmed)
    }
}
