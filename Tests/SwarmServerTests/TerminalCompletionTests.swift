import Foundation
import SwarmProtocol
import Testing

/// Tab completion in the real terminal client (tmux): candidates take turns in the input line,
/// and no list is printed into the conversation or the output pane.
@Suite("Terminal client: Tab completion (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalCompletionTests {
    @Test("Tab cycles names in place, Shift-Tab goes back; sub-commands and case ids complete")
    func tabCycles() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 120, height: 30)
            defer { client.close() }
            let opened = try await bob.request(.caseOpen, CaseOpenRequest(title: "Refund", identity: Identity(channel: .email, handle: "ana@example.com"), channel: "#support"),
                                               as: Case.self)
            // Events arrive in order: once this shows, alice's client has heard of the case too.
            _ = try await bob.post("#support", "case is open")
            let tmux = client.tmux
            // (capture-pane drops trailing blanks: the space each completion adds is not on screen.)
            try await tmux.showingScreen {
                try await tmux.waitFor("bob's message") { $0.contains("bob: case is open") }
                try tmux.type("ask @", enter: false)
                try tmux.press("Tab")
                try await tmux.waitFor("the first name") { $0.contains("#support> ask @alice") }
                try tmux.press("Tab")
                try await tmux.waitFor("the next name in its place") { $0.contains("#support> ask @bob") }
                try tmux.press("BTab")
                let back = try await tmux.waitFor("Shift-Tab back") { $0.contains("#support> ask @alice") }
                #expect(!back.contains("Esc closes") && !back.contains("@lena"), "no candidate list anywhere:\n\(back)")

                try tmux.press("C-u")
                try tmux.type("/case ta", enter: false)
                try tmux.press("Tab")
                try await tmux.waitFor("the sub-command") { $0.contains("#support> /case take") }
                try tmux.press("C-u")
                try tmux.type("/case show cs", enter: false)
                try tmux.press("Tab")
                try await tmux.waitFor("the case id") { $0.contains("#support> /case show \(opened.id)") }
            }
            await bob.close()
        }
    }
}
