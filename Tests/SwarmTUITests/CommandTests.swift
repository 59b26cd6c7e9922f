import SwarmProtocol
import SwarmTUI
import Testing

@Suite("Slash commands and completion")
struct CommandTests {
    @Test func parsing() {
        #expect(CommandParser.parse("hello") == .message("hello"))
        #expect(CommandParser.parse("//not a command") == .message("/not a command"))
        #expect(CommandParser.parse("/join #support") == .command(name: "join", args: ["#support"]))
        #expect(CommandParser.parse("/reply M12 sure,  on it ") == .command(name: "reply", args: ["M12", "sure,  on it"]))
        #expect(CommandParser.parse("/leave") == .command(name: "leave", args: [""]))
        #expect(CommandParser.parse("/create #x private") == .command(name: "create", args: ["#x", "private"]))
        #expect(CommandParser.parse("/help join") == .command(name: "help", args: ["join"]))
        if case .error(let why) = CommandParser.parse("/join") { #expect(why == "usage: /join #channel") } else { Issue.record("expected usage error") }
        if case .error(let why) = CommandParser.parse("/jion #x") { #expect(why.contains("did you mean /join")) } else { Issue.record("expected unknown command") }
        if case .error = CommandParser.parse("/create #x secret") {} else { Issue.record("bad choice accepted") }
        if case .error = CommandParser.parse("/join #a #b") {} else { Issue.record("extra words accepted") }
    }

    @Test func everyCommandHasHelp() {
        let help = CommandParser.help()
        for c in CommandTable.all {
            #expect(help.contains(c.usage))
            #expect(CommandParser.help(c.name).contains(c.summary))
        }
        #expect(Set(CommandTable.all.map(\.name)).count == CommandTable.all.count, "command names are unique")
    }

    @Test func completion() {
        var model = ChatModel()
        model.upsert(Channel(id: "C1", name: "support", kind: .public, topic: nil, createdBy: nil, createdAt: ""))
        model.upsert(Channel(id: "C2", name: "sales", kind: .public, topic: nil, createdBy: nil, createdAt: ""))
        model.users["U1"] = User(id: "U1", name: "alice", displayName: nil, role: .agent, skills: [])
        model.users["U2"] = User(id: "U2", name: "albert", displayName: nil, role: .agent, skills: [])
        #expect(Completion.candidates(for: "/jo", isFirstWord: true, model: model) == ["/join"])
        #expect(Completion.candidates(for: "/jo", isFirstWord: false, model: model) == [])
        #expect(Completion.candidates(for: "#su", isFirstWord: false, model: model) == ["#support"])
        #expect(Completion.candidates(for: "#s", isFirstWord: false, model: model) == ["#sales", "#support"])
        #expect(Completion.candidates(for: "@al", isFirstWord: false, model: model) == ["@albert", "@alice"])
    }

    @Test func reconnectBackoff() {
        var m = ReconnectMachine(random: { 0.5 })
        #expect(m.start() == .connect)
        #expect(m.lost(closeCode: nil) == .wait(seconds: 1.0))
        #expect(m.waited() == .connect)
        #expect(m.lost(closeCode: 1006) == .wait(seconds: 2.0))
        _ = m.waited()
        m.connected()
        #expect(m.state == .live)
        #expect(m.lost(closeCode: 4008) == .wait(seconds: 0.5), "after a live session the backoff starts over")
        for _ in 0..<20 {
            _ = m.waited()
            _ = m.lost(closeCode: nil)
        }
        #expect(m.delay(attempt: 30) == 30)
        #expect(m.lost(closeCode: 4001) == .stop("unauthorized"))
    }
}

@Suite("Which case a /case command acts on")
struct CaseTargetTests {
    static func target(_ line: String) -> (CaseTarget, String) {
        var words = line.split(separator: " ").map(String.init)
        let target = CaseTarget(taking: &words)
        return (target, words.joined(separator: " "))
    }

    @Test func caseIdInTheTextIsText() {
        let (note, text) = Self.target("customer called again, see CS3 for the first refund")
        #expect(note.explicit == nil, "the open case, not CS3")
        #expect(text == "customer called again, see CS3 for the first refund")
        let (handoff, rest) = Self.target("@frank Refund approved after CS2 was solved")
        #expect(handoff.explicit == nil)
        #expect(rest == "@frank Refund approved after CS2 was solved")
    }

    @Test func firstArgumentNamesTheCase() {
        let (upper, text) = Self.target("CS2 @frank over to you")
        #expect(upper.explicit == "CS2" && text == "@frank over to you")
        let (lower, rest) = Self.target("cs12 customer called")
        #expect(lower.explicit == "CS12" && rest == "customer called")
        #expect(Self.target("CSV export attached").0.explicit == nil)
        #expect(Self.target("CS").0.explicit == nil)
    }
}
