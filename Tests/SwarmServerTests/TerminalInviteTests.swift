import Foundation
import SwarmProtocol
import Testing

/// /invite in the real terminal client (tmux): into a private channel one is in, and the server's
/// refusals in words.
@Suite("Terminal client: /invite (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalInviteTests {
    @Test("/invite adds someone to the open private channel; refusals say why")
    func inviteIntoPrivateChannel() async throws {
        try await withServer { server in
            // Another lead than the desk's lena: her private channel alice is not in.
            let lars = try await TestClient.connect(url: server.url, token: try await server.user("lars", role: .lead))
            _ = try await lars.createChannel("secret", kind: .private)
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 120, height: 30)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                try tmux.type("/create #vip private")
                try await tmux.waitFor("the #vip prompt") { $0.contains("#vip>") }
                try tmux.type("/invite @bob")
                try await tmux.waitFor("the invitation confirmed") { $0.contains("invited @bob to #vip") }
                // The notice follows the server's reply, so bob is a member by now.
                let members = try await bob.request(.channelMembers, ChannelRef(channel: "#vip"), as: ChannelMembersReply.self)
                #expect(members.members.map(\.name) == ["alice", "bob"])

                // A private channel alice is not in: the server refuses, and the screen says so.
                try tmux.type("/invite @bob #secret")
                try await tmux.waitFor("the refusal") { $0.contains("/invite: the server refused: you may not invite into this channel (#secret") }
                try tmux.type("/invite @nobody")
                try await tmux.waitFor("an unknown user") { $0.contains("/invite: no such user") && $0.contains("nobody") }
            }
            await lars.close()
            await bob.close()
        }
    }
}
