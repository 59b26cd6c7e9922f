import Foundation
import SwarmProtocol
@testable import SwarmTUI
import Testing

/// `/grep` over the loaded buffer and `/search` result order.
@Suite("/grep and /search order")
struct BufferSearchTests {
    static func message(_ id: Int, _ author: String, _ body: String, at: String, thread: String? = nil) -> Message {
        Message(id: "M\(id)", channel: "C1", author: author == "alice" ? "U1" : "U2", authorName: author, body: body,
                thread: thread, replyCount: 0, mentions: [], createdAt: at, editedAt: nil, deleted: false)
    }

    static func model() -> ChatModel {
        var m = MessageListDecorationTests.model()
        m.merge(history: [message(1, "bob", "Refund for order 4411?", at: "2026-12-02T09:05:00.000Z"),
                          message(2, "alice", "no idea", at: "2026-12-02T09:06:00.000Z"),
                          message(3, "alice", "The REFUND for 4411 went out", at: "2026-12-03T10:15:00.000Z", thread: "M1"),
                          message(4, "bob", "refund 9999", at: "2026-12-03T10:20:00.000Z")], into: "C1")
        return m
    }

    @Test func grepMatchesAllWordsCaseInsensitivelyNewestLast() {
        var m = Self.model()
        #expect(m.grep(["refund", "4411"]).map(\.id) == ["M1", "M3"])
        #expect(m.grep(["REFUND"]).map(\.id) == ["M1", "M3", "M4"])
        #expect(m.grep(["nothing"]).isEmpty)
        let page = m.grepPage(["refund", "4411"], timeZone: TimeZone(identifier: "UTC")!).split(separator: "\n").map(String.init)
        #expect(page.count == 3 && page[0].contains("2 loaded messages in #support match refund 4411"), "\(page)")
        #expect(page[1] == "  Wed 2 Dec 09:05 bob: **Refund** for order **4411**? M1")
        #expect(page[2] == "  Thu 3 Dec 10:15 alice: The **REFUND** for **4411** went out M3")
        // In a thread, only the thread's messages.
        m.view = .thread("M1")
        #expect(m.grep(["refund"]).map(\.id) == ["M1", "M3"])
        #expect(m.grepPage(["zzz"]).hasPrefix("No loaded message in #support matches zzz"))
    }

    @Test func grepIsACommandWithHelp() {
        #expect(CommandParser.parse("/grep refund 4411") == .command(name: "grep", args: ["refund 4411"]))
        #expect(CommandParser.parse("/grep") == .error("usage: /grep words"))
        let help = CommandParser.help("grep")
        #expect(help.contains("/grep words") && help.contains("Case-insensitive") && help.contains("newest last"))
        #expect(CommandParser.help().contains("/grep words"))
    }

    @Test func searchListsInTimeOrderUnlessRelevanceIsAsked() {
        let m = Self.model()
        let hits = [SearchHit(message: Self.message(4, "bob", "refund 9999", at: "2026-12-03T10:20:00.000Z"), snippet: "**refund** 9999", rank: 9),
                    SearchHit(message: Self.message(1, "bob", "Refund for order", at: "2026-12-02T09:05:00.000Z"), snippet: "**Refund** for order", rank: 5)]
        #expect(SearchOrder.parse("--relevance refund") == ("refund", true))
        #expect(SearchOrder.parse("refund --relevance") == ("refund", true))
        #expect(SearchOrder.parse("refund 4411") == ("refund 4411", false))
        let utc = TimeZone(identifier: "UTC")!
        let byTime = SearchOrder.page(hits, query: "refund", relevance: false, model: m, timeZone: utc).split(separator: "\n")
        #expect(byTime[0].contains("oldest first") && byTime[1].contains("M1 Wed 2 Dec 09:05 #support bob") && byTime[2].contains("M4 Thu 3 Dec 10:20"))
        let byRank = SearchOrder.page(hits, query: "refund", relevance: true, model: m, timeZone: utc).split(separator: "\n")
        #expect(byRank[0].contains("best first") && byRank[1].contains("M4") && byRank[2].contains("M1"))
        #expect(CommandParser.help("search").contains("--relevance"))
    }
}
