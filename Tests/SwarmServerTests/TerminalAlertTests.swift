import Foundation
import SwarmProtocol
import Testing

/// Notifications in the real terminal client (tmux): a direct message is addressed to you, so it
/// rings and shows on the status line like a mention, once, and `--no-bell` keeps it silent.
@Suite("Terminal client: alerts (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalAlertTests {
    @Test("a direct message while elsewhere rings once and shows on the status line; --no-bell stays silent")
    func directMessageAlerts() async throws {
        try await withServer { server in
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            let aliceToken = try await server.user("alice", role: .agent)
            let bob = try await TestClient.connect(url: server.url, token: try await server.user("bob", role: .agent))
            _ = try await lead.createChannel("support", members: ["alice", "bob"])
            let ringing = try SwarmInTmux(url: server.url, token: aliceToken, width: 110, height: 24)
            defer { ringing.close() }
            let silent = try SwarmInTmux(url: server.url, token: aliceToken, arguments: ["--no-bell"], width: 110, height: 24)
            defer { silent.close() }
            for client in [ringing, silent] {
                _ = try await client.tmux.showingScreen {
                    try await client.tmux.waitFor("the client to open #support") { $0.contains("live") && $0.contains("#support>") }
                }
            }
            let dm = try await bob.request(.dmOpen, DMOpenRequest(user: "@alice"), as: Channel.self)
            for client in [ringing, silent] {
                _ = try await client.tmux.showingScreen {
                    try await client.tmux.waitFor("the DM in the channel list") { $0.contains("@bob") }
                }
            }
            _ = try await bob.post(dm.id, "are you free for a call?")
            let tmux = ringing.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the DM alert on the status line") { $0.contains("★ bob wrote to you: are you free for a call?") }
                try await tmux.waitFor("the bell") { _ in tmux.bells >= 1 }
                // Later redraws do not ring again.
                try tmux.type("hello", enter: false)
                try await tmux.waitFor("the draft") { $0.contains("#support> hello") }
                #expect(tmux.bells == 1)
            }
            try await silent.tmux.showingScreen {
                try await silent.tmux.waitFor("the DM alert without a bell") { $0.contains("★ bob wrote to you") }
                try silent.tmux.type("hello", enter: false)
                try await silent.tmux.waitFor("the draft") { $0.contains("#support> hello") }
                #expect(silent.tmux.bells == 0)
            }
            await lead.close()
            await bob.close()
        }
    }
}
