import Foundation
import SwarmProtocol
import Testing

/// The own status line in the real terminal client (tmux).
@Suite("Terminal client: status line (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalStatusLineTests {
    /// The status line is the row that starts with the connection state.
    static func statusLine(_ screen: String) -> String {
        screen.split(separator: "\n").last { $0.contains("live │") }.map(String.init) ?? ""
    }

    @Test("/away shows on your own status line until /away again brings you back")
    func awayIsShown() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 110, height: 24)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try tmux.type("/away")
                try await tmux.waitFor("away on the status line") { Self.statusLine($0).contains("alice (away") }
                let presence = try await bob.request(.presenceList, Empty(), as: PresenceListReply.self)
                #expect(presence.users.contains { $0.status == .away }, "the server was told: \(presence.users)")
                try tmux.type("/away")
                try await tmux.waitFor("back online") { $0.contains("you are back online") && Self.statusLine($0).contains("alice") && !Self.statusLine($0).contains("away") }
            }
            await bob.close()
        }
    }
}
