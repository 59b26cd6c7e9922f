import Foundation
import SwarmProtocol
import Testing

/// Issue 11, beyond, in the real terminal client (tmux) over a real server: the header line and
/// day rules, /grep, the mouse wheel, hyperlinks and desktop notifications.
@Suite("Terminal client: header, /grep, wheel, links, notifications (tmux)", .hangGuard, .serialized, .enabled(if: TmuxSession.available))
struct TerminalBeyondTests {
    static var dayRule: Regex<(Substring, Substring, Substring)> { #/── (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} ──/# }

    @Test("the header names the channel and its members, a day rule tops the messages, /grep lists loaded matches")
    func headerDayRuleAndGrep() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 110, height: 30)
            defer { client.close() }
            let tmux = client.tmux
            let support = try #require(try await bob.request(.channelList, Empty(), as: ChannelListReply.self).channels.first { $0.name == "support" })
            _ = try await bob.post(support.id, "Refund for order 4411?")
            _ = try await bob.post(support.id, "something else")
            _ = try await bob.post(support.id, "the REFUND went out")
            try await tmux.showingScreen {
                // lena made the channel with alice and bob in it.
                try await tmux.waitFor("the header with the member count") { $0.contains("#support · 3 members") }
                let screen = try await tmux.waitFor("the messages") { $0.contains("the REFUND went out") }
                #expect(screen.contains(Self.dayRule), "a day rule above the first message")
                try tmux.type("/grep refund")
                let found = try await tmux.waitFor("the matches") { $0.contains("2 loaded messages in #support match refund") }
                let lines = found.split(separator: "\n")
                let first = try #require(lines.firstIndex { $0.contains("bob: Refund for order 4411? M") })
                let second = try #require(lines.firstIndex { $0.contains("bob: the REFUND went out M") })
                #expect(first < second, "newest last")
                #expect(!lines.contains { $0.contains("bob: something else M") && $0.hasPrefix("  ") })
                // Someone joining updates the count.
                let lena = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
                _ = try await server.user("dora", role: .agent)
                _ = try await lena.request(.channelInvite, ChannelInviteRequest(channel: support.id, user: "@dora"), as: Channel.self)
                try await tmux.waitFor("the new member count") { $0.contains("#support · 4 members") }
                await lena.close()
            }
            await bob.close()
        }
    }

    @Test("the mouse wheel scrolls the messages back and forth; keys keep working")
    func wheelScrolls() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 100, height: 24)
            defer { client.close() }
            let tmux = client.tmux
            let support = try #require(try await bob.request(.channelList, Empty(), as: ChannelListReply.self).channels.first { $0.name == "support" })
            for i in 1...60 { _ = try await bob.post(support.id, String(format: "line %03d", i)) }
            try await tmux.showingScreen {
                try await tmux.waitFor("the newest line") { $0.contains("line 060") }
                for _ in 0..<8 { try tmux.sendBytes("\u{1B}[<64;40;10M") }
                try await tmux.waitFor("scrolled back by the wheel") { $0.contains("scrolled (PgDn)") && !$0.contains("line 060") && $0.contains("line 030") }
                for _ in 0..<8 { try tmux.sendBytes("\u{1B}[<65;40;10M") }
                try await tmux.waitFor("back at the bottom") { $0.contains("line 060") && !$0.contains("scrolled (PgDn)") }
                // A click is no key: the draft is untouched.
                try tmux.type("draft", enter: false)
                try tmux.sendBytes("\u{1B}[<0;40;10M\u{1B}[<0;40;10m")
                try tmux.type("!", enter: false)
                try await tmux.waitFor("the draft") { $0.contains("#support> draft!") }
            }
            await bob.close()
        }
    }

    @Test("URLs are OSC 8 links, a DM elsewhere asks for a desktop notification, mouse mode ends at quit; --no-notify --no-color write neither")
    func linksNotificationsAndModes() async throws {
        try await withServer { server in
            let (client, bob) = try await SwarmInTmux.aliceAtTheDesk(server, width: 110, height: 24)
            defer { client.close() }
            let aliceToken = try await server.user("alice", role: .agent)
            let quiet = try SwarmInTmux(url: server.url, token: aliceToken, arguments: ["--no-notify", "--no-color"], width: 110, height: 24)
            defer { quiet.close() }
            _ = try await quiet.tmux.showingScreen {
                try await quiet.tmux.waitFor("the second client") { $0.contains("live") && $0.contains("#support>") }
            }
            let support = try #require(try await bob.request(.channelList, Empty(), as: ChannelListReply.self).channels.first { $0.name == "support" })
            _ = try await bob.post(support.id, "the order page: https://shop.example/orders/4411.")
            let dm = try await bob.request(.dmOpen, DMOpenRequest(user: "@alice"), as: Channel.self)
            for c in [client, quiet] {
                _ = try await c.tmux.showingScreen { try await c.tmux.waitFor("the DM channel") { $0.contains("@bob") && $0.contains("4411.") } }
            }
            _ = try await bob.post(dm.id, "call me?")
            let tmux = client.tmux
            try await tmux.showingScreen {
                try await tmux.waitFor("the DM alert") { $0.contains("★ bob wrote to you: call me?") }
                let raw = tmux.rawOutput
                #expect(raw.contains("\u{1B}]8;;https://shop.example/orders/4411\u{1B}\\https://shop.example/orders/4411\u{1B}]8;;\u{1B}\\"))
                #expect(raw.contains("\u{1B}]9;Swarm · @bob: bob wrote to you: call me?\u{1B}\\") || raw.contains("\u{1B}]777;notify;Swarm · @bob;bob wrote to you: call me?"))
                try tmux.type("/quit")
                try await tmux.waitFor("mouse mode switched off") { _ in tmux.rawOutput.contains("\u{1B}[?1006l\u{1B}[?1000l") }
            }
            try await quiet.tmux.showingScreen {
                try await quiet.tmux.waitFor("the DM alert") { $0.contains("★ bob wrote to you: call me?") }
                let raw = quiet.tmux.rawOutput
                #expect(!raw.contains("\u{1B}]9;") && !raw.contains("\u{1B}]777;") && !raw.contains("\u{1B}]8;;"))
                #expect(!raw.contains("38;5;"), "no nick colours with --no-color")
            }
            await bob.close()
        }
    }
}
