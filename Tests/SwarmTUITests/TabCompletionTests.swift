import SwarmProtocol
import SwarmTUI
import Testing

/// Tab cycles through candidates in the input line; nothing is listed anywhere else.
@Suite("Tab completion cycles in the input line")
struct TabCompletionTests {
    @Test func tabAgainTakesTheNextCandidateAndShiftTabGoesBack() {
        var e = LineEditor(text: "ask @al")
        #expect(e.handle(.tab) == .complete(forward: true))
        e.complete(with: ["@albert", "@alice", "@alma"])
        #expect(e.string == "ask @albert ")
        #expect(e.handle(.tab) == .none)
        #expect(e.string == "ask @alice ")
        #expect(e.handle(.tab) == .none)
        #expect(e.string == "ask @alma ")
        #expect(e.handle(.tab) == .none)
        #expect(e.string == "ask @albert ", "round again")
        #expect(e.handle(.shiftTab) == .none)
        #expect(e.string == "ask @alma ")
        // Typing ends the cycle: the next Tab asks for candidates of the new word.
        _ = e.handle(.char("x"))
        #expect(e.completion == nil)
        #expect(e.handle(.tab) == .complete(forward: true))
    }

    @Test func shiftTabStartsFromTheLastAndOneCandidateEndsTheCycle() {
        var e = LineEditor(text: "/case ")
        #expect(e.handle(.shiftTab) == .complete(forward: false))
        e.complete(with: ["open", "show", "take"], forward: false)
        #expect(e.string == "/case take ")
        var one = LineEditor(text: "#sup")
        one.complete(with: ["#support"])
        #expect(one.string == "#support " && one.completion == nil)
    }

    @Test func subCommandsAndCaseIds() {
        var model = ChatModel()
        for (n, thread) in [(3, "M10"), (12, "M20")] {
            var c = CaseViewTests.caseInfo
            c.id = "CS\(n)"
            c.thread = thread
            model.casesByThread[thread] = c
        }
        #expect(Completion.candidates(for: "ta", isFirstWord: false, previous: ["/case"], model: model) == ["take"])
        #expect(Completion.candidates(for: "", isFirstWord: false, previous: ["/case"], model: model) == CaseCommands.subcommands)
        #expect(Completion.candidates(for: "s", isFirstWord: false, previous: ["/kb"], model: model) == ["search", "show", "share", "solved"])
        #expect(Completion.candidates(for: "cs", isFirstWord: false, previous: ["/case", "show"], model: model) == ["CS3", "CS12"])
        #expect(Completion.candidates(for: "CS1", isFirstWord: false, previous: ["/kb", "share"], model: model) == ["CS12"])
        #expect(Completion.candidates(for: "", isFirstWord: false, previous: ["hello"], model: model) == [])
    }
}
