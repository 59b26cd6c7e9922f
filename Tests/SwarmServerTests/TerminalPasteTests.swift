import Foundation
import SwarmProtocol
import Testing

/// Big pastes in the real terminal client (tmux): a 17,000-character paste shows at once and is
/// sent intact; a many-line paste is one message after a yes, and never tears the status line.
@Suite("Terminal client: large pastes (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalPasteTests {
    /// Words up to exactly `count` characters, ending with `marker`.
    static func text(_ count: Int, marker: String) -> String {
        var s = ""
        var i = 0
        while s.count < count - marker.count - 1 {
            s += "word\(i) "
            i += 1
        }
        return String(s.prefix(count - marker.count)) + marker
    }

    /// Pastes `text` the way a terminal does: bracketed (ESC[200~ … ESC[201~) or as typed keys.
    static func paste(_ text: String, into tmux: TmuxSession, bracketed: Bool) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("paste-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try tmux.check(["load-buffer", "-b", "big", file.path])
        try tmux.check(["paste-buffer", "-d", "-b", "big", "-t", tmux.name] + (bracketed ? ["-p"] : []))
    }

    @Test("a 17,000-character paste appears and is sent within seconds, intact; a 30-line paste is one message")
    func largePastes() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 120, height: 32)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                // Bracketed paste: one edit, shown at once; sent in two parts the server accepts,
                // which joined are the paste.
                let big = Self.text(17_000, marker: "END-OF-BIG-PASTE")
                let clock = ContinuousClock()
                let start = clock.now
                try Self.paste(big, into: tmux, bracketed: true)
                try await tmux.waitFor("the paste on the input line", seconds: 30) { $0.contains("END-OF-BIG-PASTE") }
                let appeared = clock.now - start
                try tmux.press("Enter")
                try await tmux.waitFor("the split question") { $0.contains("17000 characters: send as 2 messages") }
                try tmux.press("y")
                var bodies: [String] = []
                for _ in 0..<2 {
                    let seen = bodies
                    let m = try await bob.event("message.new", seconds: 30) { $0.data?["author_name"]?.string == "alice" && !seen.contains($0.data?["body"]?.string ?? "") }
                    bodies.append(try #require(m.data?["body"]?.string))
                }
                let sent = clock.now - start
                #expect(bodies.joined() == big, "the parts joined are the paste, character for character")
                #expect(bodies.allSatisfy { $0.count <= 16_000 })
                // Loose bounds (a loaded CI box): they catch a paste that goes quadratic, not a slow machine.
                #expect(appeared < .seconds(30) && sent < .seconds(60), "17,000-character paste: shown after \(appeared), sent after \(sent)")
                print("17,000-character bracketed paste: shown after \(appeared), both parts on the server after \(sent)")

                // The same paste arriving as typed keys (no bracketed paste): still linear.
                let typed = Self.text(17_000, marker: "END-OF-TYPED-PASTE")
                let typedStart = clock.now
                try Self.paste(typed, into: tmux, bracketed: false)
                try await tmux.waitFor("the typed paste on the input line", seconds: 10) { $0.contains("END-OF-TYPED-PASTE") }
                print("17,000 characters as keys: shown after \(clock.now - typedStart)")
                try tmux.press("C-u")
                try await tmux.waitFor("the emptied input line") { !$0.contains("END-OF-TYPED-PASTE") }

                // 30 lines: shown on the one input line (↵ between lines, the end in sight) with the status line intact,
                // sent as one message after a yes.
                let lines = (1...30).map { "line \($0) of the log" }
                try Self.paste(lines.joined(separator: "\n"), into: tmux, bracketed: true)
                let screen = try await tmux.waitFor("the many-line paste") { $0.contains("line 29 of the log↵line 30 of the log") }
                let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(rows.count >= 31 && rows[30].contains("live") && rows[30].contains("#support"), "the status line stays in its row")
                try tmux.press("Enter")
                try await tmux.waitFor("the many-line question") { $0.contains("Send 30 lines as one message? y/N") }
                try tmux.press("y")
                let multi = try await bob.event("message.new", seconds: 10) { $0.data?["body"]?.string?.hasPrefix("line 1 of the log") == true }
                #expect(multi.data?["body"]?.string == lines.joined(separator: "\n"))
            }
            try tmux.type("/quit")
        }
    }
}
