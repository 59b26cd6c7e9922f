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
                // The pane's lines carry the day: `  Sat 5 Dec 13:09 bob: …`; the message list's do not.
                let lines = found.split(separator: "\n").map(String.init)
                let match = #/[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d\d:\d\d bob: /#
                let listed = lines.filter { $0.contains(match) }
                #expect(listed.count == 2, "\(lines)")
                #expect(listed.first?.contains("bob: Refund for order 4411? M") == true && listed.last?.contains("bob: the REFUND went out M") == true, "newest last")
                // /search: the server's matches in time order, or best first when asked.
                try tmux.type("/search refund")
                let results = try await tmux.waitFor("search results") { $0.contains("Results for refund (oldest first") }
                let hits = results.split(separator: "\n").filter { $0.contains(#/M\d+ [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d\d:\d\d #support bob: /#) }
                #expect(hits.count == 2 && hits.first?.contains("Refund") == true && hits.last?.contains("went out") == true, "\(hits)")
                try tmux.type("/search --relevance refund")
                try await tmux.waitFor("results best first") { $0.contains("Results for refund (best first") }
                // Someone joining updates the count.
                let dora = try await server.client("dora")
                _ = try await dora.request(.channelJoin, ChannelRef(channel: support.id), as: Channel.self)
                await dora.close()
                try await tmux.waitFor("the new member count") { $0.contains("#support · 4 members") }
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
            let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
            let aliceToken = try await server.user("alice", role: .agent)
            let bob = try await TestClient.connect(url: server.url, token: try await server.user("bob", role: .agent))
            _ = try await lead.createChannel("support", members: ["alice", "bob"])
            await lead.close()
            // Colours on whatever the runner's environment says (links need them); the quiet one
            // turns them off with the flag.
            let client = try SwarmInTmux(url: server.url, token: aliceToken, environment: ["NO_COLOR": ""], width: 110, height: 24)
            defer { client.close() }
            let quiet = try SwarmInTmux(url: server.url, token: aliceToken, arguments: ["--no-notify", "--no-color"], environment: ["NO_COLOR": ""], width: 110, height: 24)
            defer { quiet.close() }
            for c in [client, quiet] {
                _ = try await c.tmux.showingScreen {
                    try await c.tmux.waitFor("the client to open #support") { $0.contains("live") && $0.contains("#support>") }
                }
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
                #expect(raw.contains("\u{1B}[1;38;5;"), "bob's name in his 256-colour nick colour")
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
