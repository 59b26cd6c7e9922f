import Foundation
import SwarmProtocol
import Testing

/// Unread messages in the real terminal client (tmux): Alt-A goes to the channel that has them,
/// and a "new since you left" line separates them from what was read.
@Suite("Terminal client: unread (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalUnreadTests {
    static func sidebarBadge(_ screen: String, _ channel: String, _ badge: String) -> Bool {
        screen.split(separator: "\n").contains { line in
            guard let side = line.components(separatedBy: "│").first, side.contains(channel) else { return false }
            return side.trimmingCharacters(in: .whitespaces).hasSuffix(" " + badge)
        }
    }

    @Test("Alt-A opens the channel with unread messages, with a divider above the first of them")
    func jumpToUnread() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, channels: ["support", "billing"], width: 110, height: 30)
            defer { client.close() }
            _ = try await bob.post("#billing", "already read")
            let tmux = client.tmux
            try await tmux.showingScreen {
                try tmux.type("/join #billing")
                try await tmux.waitFor("#billing read") { $0.contains("#billing>") && $0.contains("bob: already read") }
                try tmux.type("/join #support")
                try await tmux.waitFor("back in #support") { $0.contains("#support>") }
                _ = try await bob.post("#billing", "new one")
                _ = try await bob.post("#billing", "new two")
                try await tmux.waitFor("two unread in #billing") { Self.sidebarBadge($0, "#billing", "2") }

                try tmux.press("M-a")
                let screen = try await tmux.waitFor("#billing with the divider") { $0.contains("#billing>") && $0.contains("new since you left") && $0.contains("bob: new two") }
                let lines = screen.split(separator: "\n").map(String.init)
                let read = lines.firstIndex { $0.contains("bob: already read") }
                let divider = lines.firstIndex { $0.contains("new since you left") }
                let new = lines.firstIndex { $0.contains("bob: new one") }
                #expect(read != nil && divider != nil && new != nil && read! < divider! && divider! < new!, "\(screen)")

                // Nothing unread anywhere: Alt-A stays put.
                try tmux.press("M-a")
                try tmux.type("still here", enter: false)
                try await tmux.waitFor("the draft in #billing") { $0.contains("#billing> still here") }
            }
            await bob.close()
        }
    }
}
