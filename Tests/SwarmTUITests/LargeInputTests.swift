import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

@Suite("Large pastes and long lines")
struct LargeInputTests {
    static let big = String((0..<2_000).map { "word\($0) " }.joined().prefix(17_000))

    @Test func bracketedPasteSplitAcrossReadsIsOneEdit() {
        var decoder = KeyDecoder()
        let bytes = Array("\u{1B}[200~".utf8) + Array(Self.big.utf8) + Array("\u{1B}[201~".utf8)
        var keys: [Key] = []
        var i = 0
        while i < bytes.count {
            keys += decoder.feed(Array(bytes[i..<min(bytes.count, i + 4096)]))
            i += 4096
        }
        #expect(keys == [.paste(Self.big)])
    }

    @Test func redrawingALongLineIsCheap() {
        var editor = LineEditor()
        _ = editor.handle(.paste(Self.big))
        let model = RendererTests.model()
        let renderer = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date())
        let clock = ContinuousClock()
        let start = clock.now
        var screen = renderer.render(model, editor: editor, width: 120, height: 30)
        for _ in 0..<50 { screen = renderer.render(model, editor: editor, width: 120, height: 30) }
        // Loose bounds (a loaded CI box, a debug build): they catch quadratic work, not a slow machine.
        #expect(clock.now - start < .seconds(20), "51 redraws of a 17,000-character line took \(clock.now - start)")
        #expect(screen.lines[29].hasSuffix(String(Self.big.suffix(20)) + " "), "the end of the line, where the cursor is, is shown")
        #expect(screen.cursor.row == 29)
    }

    @Test func newlinesInTheInputLineAreDrawnNotSent() {
        var editor = LineEditor()
        _ = editor.handle(.paste("first\r\nsecond\tcol"))
        let screen = ChatRenderer().render(RendererTests.model(), editor: editor, width: 80, height: 8)
        #expect(screen.lines[7].hasPrefix("#support> first↵second␉col"))
        #expect(screen.lines[6].contains("live"), "the status line keeps its row")
        #expect(editor.string == "first\nsecond\tcol")
    }

    @Test func wrappingALongWordIsLinear() {
        let word = String(repeating: "x", count: 17_000)
        let clock = ContinuousClock()
        let start = clock.now
        let lines = TextWidth.wrap(word, cells: 100)
        #expect(clock.now - start < .seconds(10))
        #expect(lines.count == 170 && lines.allSatisfy { $0.count == 100 })
    }

    @Test func aMessageOverTheServerLimitIsSentInPartsThatJoinBack() {
        let parts = LongMessage.parts(Self.big)
        #expect(parts.count == 2)
        #expect(parts.joined() == Self.big)
        #expect(parts.allSatisfy { $0.count <= LongMessage.maxCharacters && !$0.allSatisfy(\.isWhitespace) })
        #expect(parts[0].hasSuffix(" "), "cut after a space, not inside a word")
        #expect(LongMessage.parts("short") == ["short"])
        let unbroken = String(repeating: "y", count: 40_000)
        #expect(LongMessage.parts(unbroken).map(\.count) == [16_000, 16_000, 8_000])
    }
}
