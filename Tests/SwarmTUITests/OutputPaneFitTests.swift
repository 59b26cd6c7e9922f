import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// Output lines that fit are drawn as they are; longer ones are still wrapped at spaces.
@Suite("Output pane lines")
struct OutputPaneFitTests {
    @Test func fittingLinesAsTheyAreLongLinesWrapped() {
        var m = RendererTests.model()
        let long = (1...20).map { "word\($0)" }.joined(separator: " ")
        m.notice("fits  with two spaces\n\(long)")
        let lines = ChatRenderer(timeZone: TimeZone(identifier: "UTC")!, now: Date()).render(m, editor: LineEditor(), width: 80, height: 20).lines
        #expect(lines.contains { $0.contains("│fits  with two spaces ") })
        let wrapped = lines.filter { $0.contains("word") }
        #expect(wrapped.count == 3)
        #expect(wrapped.map { $0.split(separator: "│").last!.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") == long)
    }
}
