import SwarmTUI
import Testing

@Suite("Line editor and key decoding")
struct LineEditorTests {
    func type(_ text: String, into editor: inout LineEditor) {
        for c in text { _ = editor.handle(.char(c)) }
    }

    @Test func editingKeys() {
        var e = LineEditor()
        type("hello world", into: &e)
        #expect(e.handle(.home) == .none)
        _ = e.handle(.wordRight)
        #expect(e.cursor == 5)
        _ = e.handle(.deleteWordBackward)
        #expect(e.string == " world" && e.cursor == 0)
        _ = e.handle(.end)
        _ = e.handle(.backspace)
        #expect(e.string == " worl")
        _ = e.handle(.home)
        _ = e.handle(.delete)
        #expect(e.string == "worl")
        _ = e.handle(.right)
        _ = e.handle(.killToEnd)
        #expect(e.string == "w")
        type("xyz", into: &e)
        _ = e.handle(.left)
        _ = e.handle(.killToStart)
        #expect(e.string == "z" && e.cursor == 0)
    }

    @Test func submitAndHistory() {
        var e = LineEditor()
        type("first", into: &e)
        #expect(e.handle(.enter) == .submit("first"))
        type("second", into: &e)
        #expect(e.handle(.enter) == .submit("second"))
        #expect(e.handle(.enter) == .none, "empty lines are not sent")
        type("draft", into: &e)
        _ = e.handle(.up)
        #expect(e.string == "second")
        _ = e.handle(.up)
        _ = e.handle(.up)
        #expect(e.string == "first")
        _ = e.handle(.down)
        _ = e.handle(.down)
        #expect(e.string == "draft", "going past the newest entry restores the draft")
    }

    @Test func pasteIsInsertedNotSubmitted() {
        var e = LineEditor()
        #expect(e.handle(.paste("line one\r\nline two")) == .none)
        #expect(e.string == "line one\nline two")
    }

    @Test func decoderHandlesSequencesSplitAcrossReads() {
        var d = KeyDecoder()
        #expect(d.feed(Array("ab".utf8)) == [.char("a"), .char("b")])
        #expect(d.feed([0x1B, 0x5B]) == [])
        #expect(d.feed([0x41]) == [.up])
        #expect(d.feed(Array("\u{1B}[3~\u{1B}[1;5C\u{1B}b\u{1B}2".utf8)) == [.delete, .wordRight, .wordLeft, .altDigit(2)])
        #expect(d.feed([0xC3]) == [], "half a UTF-8 character waits for the rest")
        #expect(d.feed([0xA9, 0x0D]) == [.char("é"), .enter])
        #expect(d.feed(Array("\u{1B}[200~hi\nthere\u{1B}[201~x".utf8)) == [.paste("hi\nthere"), .char("x")])
        #expect(d.feed([0x17, 0x15, 0x0B, 0x03, 0x7F, 0x09]) == [.deleteWordBackward, .killToStart, .killToEnd, .interrupt, .backspace, .tab])
    }
}
