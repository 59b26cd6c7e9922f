import Foundation
import SwarmProtocol
@testable import SwarmTUI
import Testing

/// Search and KB highlights (`**word**`) are drawn bold and never shown raw.
@Suite("Search highlights")
struct HighlightTests {
    @Test func markersBecomeBoldInTheOutputPane() {
        var m = RendererTests.model()
        m.notice("Results for refund:\n  M3 #support bob: Customer wants a **refund** for **order** 5512", highlighted: true)
        let screen = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date()).render(m, editor: LineEditor(), width: 100, height: 20)
        #expect(screen.lines.contains { $0.contains("Customer wants a refund for order 5512") })
        #expect(!screen.lines.contains { $0.contains("**") })
        let spans = screen.rows.flatMap { $0 }
        #expect(spans.contains { $0.text == "refund" && $0.style.bold })
        #expect(spans.contains { $0.text == " for " && !$0.style.bold })
    }

    @Test func aHighlightWrappedOntoTheNextLineStaysBold() {
        var inside = false
        let first = Highlight.parts("a **long", inside: &inside)
        #expect(first.map(\.highlighted) == [false, true] && inside)
        let second = Highlight.parts("word** b", inside: &inside)
        #expect(second.map(\.text) == ["word", " b"] && second.map(\.highlighted) == [true, false] && !inside)
        #expect(Highlight.strip("**Refund** to the **card**") == "Refund to the card")
    }
}
