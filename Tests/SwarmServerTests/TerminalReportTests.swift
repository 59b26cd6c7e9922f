import Foundation
import SwarmProtocol
import Testing

/// `/report` in the real terminal client (tmux): the figures and the hourly charts in the output pane.
@Suite("Terminal client: /report (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalReportTests {
    @Test("/report 24h shows the figures and the per-hour charts; Esc closes them")
    func report() async throws {
        try await withServer { server in
            let (client, _) = try await SwarmInTmux.aliceAtTheDesk(server, channels: ["support"], width: 120, height: 40)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try tmux.type("/report 24h")
                try await tmux.waitFor("the report") { $0.contains("Inbound contacts") && $0.contains("Response rate") && $0.contains("Esc closes") }
                try tmux.press("Escape")
                try await tmux.waitFor("the pane to close") { !$0.contains("Inbound contacts") }
                try tmux.type("/report today channel")
                try await tmux.waitFor("the report by channel") { $0.contains("Report ") && $0.contains("First response") }
            }
            try tmux.type("/quit")
        }
    }
}
