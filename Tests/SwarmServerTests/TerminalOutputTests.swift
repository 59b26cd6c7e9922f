import Foundation
import SwarmProtocol
import Testing

/// Command output in the real terminal client (tmux): it has a pane of its own, incoming messages
/// stay visible beside it in every channel, and Esc or /clear closes it.
@Suite("Terminal client: command output (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalOutputTests {
    @Test("help never hides incoming messages, in any channel; Esc and /clear close it")
    func outputNeverBuriesMessages() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, channels: ["support", "billing"], width: 100, height: 24)
            defer { client.close() }
            let tmux = client.tmux
            try await tmux.showingScreen {
                // /help is longer than the screen: it goes to the output pane, and bob's new message
                // is still drawn above it.
                try tmux.type("/help")
                try await tmux.waitFor("the help") { $0.contains("/join #channel") && $0.contains("Esc closes") }
                _ = try await bob.post("#support", "a customer is waiting on line 2")
                try await tmux.waitFor("bob's message beside the help") { $0.contains("bob: a customer is waiting on line 2") && $0.contains("/join #channel") }

                // Another channel: its new messages are visible too.
                try tmux.press("C-n")
                try await tmux.waitFor("the #billing prompt") { $0.contains("#billing>") }
                _ = try await bob.post("#billing", "invoice 88 is wrong")
                try await tmux.waitFor("bob's message in #billing") { $0.contains("bob: invoice 88 is wrong") && $0.contains("Esc closes") }

                // Esc closes the pane; /clear too.
                try tmux.press("Escape")
                try await tmux.waitFor("the pane to close") { !$0.contains("Esc closes") && $0.contains("bob: invoice 88 is wrong") }
                try tmux.type("/help")
                try await tmux.waitFor("the help again") { $0.contains("/join #channel") }
                try tmux.type("/clear")
                try await tmux.waitFor("the pane to close after /clear") { !$0.contains("/join #channel") && $0.contains("bob: invoice 88 is wrong") }
            }
            try tmux.type("/quit")
        }
    }
}
