import SwarmCore
import Testing

@Suite("Case titles derived from a customer's text")
struct CaseTitleTests {
    @Test func shortTextIsKeptOnOneLine() {
        #expect(CaseTitle.derived(from: "Where is my refund?") == "Where is my refund?")
        #expect(CaseTitle.derived(from: "  Where is\n\nmy   refund?\t") == "Where is my refund?")
        let exact = String(repeating: "a", count: 80)
        #expect(CaseTitle.derived(from: exact) == exact)
    }

    @Test func longTextIsCutOnAWordBoundary() {
        let text = "Hello, I ordered a pair of shoes on the twelfth and the refund for order 5512 never arrived on my card"
        let title = CaseTitle.derived(from: text)
        #expect(title == "Hello, I ordered a pair of shoes on the twelfth and the refund for order 5512…")
        #expect(title.count <= 80)
        // The cut lands exactly before a space: the whole last word stays.
        #expect(CaseTitle.derived(from: "abc defg hij", limit: 9) == "abc defg…")
        // Never in the middle of a word, and no dangling comma before the ellipsis.
        #expect(CaseTitle.derived(from: "abc, defghij", limit: 9) == "abc…")
    }

    @Test func oneHugeWordIsCutInside() {
        let word = String(repeating: "x", count: 120)
        let title = CaseTitle.derived(from: word)
        #expect(title == String(repeating: "x", count: 79) + "…")
    }

    @Test func accentsAndEmojiCountAsOneCharacter() {
        let text = String(repeating: "perché ", count: 20)
        let title = CaseTitle.derived(from: text)
        #expect(title.count <= 80 && title.hasSuffix("perché…"))
    }
}
