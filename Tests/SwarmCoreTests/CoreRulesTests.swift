import Foundation
import SwarmCore
import SwarmProtocol
import Testing

@Suite("SwarmCore rules without I/O")
struct CoreRulesTests {
    @Test func mentionsSkipEmailAddressesAndDuplicates() {
        #expect(Mentions.names(in: "@Dave and @alice, ping @dave. mail bob@example.com") == ["dave", "alice"])
        #expect(Mentions.names(in: "@ @- nothing") == [])
        #expect(Mentions.names(in: "(@carol.lead)") == ["carol.lead"])
    }

    @Test func searchQueriesAreQuotedAndPrefixed() {
        #expect(SearchQuery.fts5("perche rimb") == "\"perche\" \"rimb\"*")
        #expect(SearchQuery.fts5("a\" OR b NEAR(") == "\"a\" \"OR\" \"b\" \"NEAR\"*")
        #expect(SearchQuery.fts5("  *)( ") == nil)
    }

    @Test func idsRoundTripAndRejectGarbage() {
        #expect(Ids.make(.message, 42) == "M42")
        #expect(Ids.parse(.message, "M42") == 42)
        #expect(Ids.parse(.message, "C42") == nil)
        #expect(Ids.parse(.message, "M-1") == nil)
        #expect(Ids.parse(.message, "M") == nil)
    }

    @Test func namesAreLowercaseWords() {
        #expect(Names.isValid("support-billing"))
        #expect(!Names.isValid("Support"))
        #expect(!Names.isValid("-x"))
        #expect(!Names.isValid(""))
        #expect(!Names.isValid(String(repeating: "a", count: 65)))
        #expect(Names.strip("#support") == "support")
    }

    @Test func permissions() {
        #expect(Permissions.mayModify(messageAuthor: 1, actor: 1, actorRole: .agent))
        #expect(!Permissions.mayModify(messageAuthor: 1, actor: 2, actorRole: .agent))
        #expect(Permissions.mayModify(messageAuthor: 1, actor: 2, actorRole: .lead))
        #expect(!Permissions.mayRead(kind: .private, isMember: false))
        #expect(Permissions.mayRead(kind: .public, isMember: false))
        #expect(!Permissions.mayJoin(kind: .private, role: .lead))
        #expect(!Permissions.mayCreateChannel(.bot))
        #expect(!Permissions.mayInvite(kind: .dm, inviterIsMember: true, role: .admin))
    }

    @Test func tomlSubset() throws {
        let doc = """
        # comment
        [server]
        host = "0.0.0.0"   # trailing
        port = 7_420
        [storage]
        synchronous = 'full'
        tags = ["a", "b#c"]
        on = true
        """
        let v = try TOMLSubset.parse(doc)
        #expect(v["server.host"] == .string("0.0.0.0"))
        #expect(v["server.port"] == .integer(7420))
        #expect(v["storage.synchronous"] == .string("full"))
        #expect(v["storage.tags"] == .strings(["a", "b#c"]))
        #expect(v["storage.on"] == .bool(true))
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("[server]\nport 7420") }
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("x = \"unterminated") }
    }

    @Test func timestampsAreRFC3339UTC() throws {
        let s = Timestamp.format(Date(timeIntervalSince1970: 1_700_000_000.25))
        #expect(s == "2023-11-14T22:13:20.250Z")
        #expect(Timestamp.parse(s) != nil)
    }
}

@Suite("Rate limiting")
struct TokenBucketTests {
    @Test func burstThenSustainedRate() {
        var b = TokenBucket(rate: 10, burst: 5, now: 0)
        var burst = 0
        for _ in 0..<5 where b.take(now: 0) { burst += 1 }
        #expect(burst == 5)
        var taken = b.take(now: 0)
        #expect(!taken, "the burst is spent")
        taken = b.take(now: 0.1)
        #expect(taken, "one token back after 1/rate seconds")
        taken = b.take(now: 0.15)
        #expect(!taken)
        var later = 0
        for _ in 0..<8 where b.take(now: 100) { later += 1 }
        #expect(later == 5, "never more than the burst saved up")
    }

    @Test("resized: what was saved up is kept up to the new burst, and the new rate refills it")
    func resized() {
        var b = TokenBucket(rate: 10, burst: 10, now: 0)
        for _ in 0..<7 { _ = b.take(now: 0) }
        // 3 saved: a share of 4 keeps them; a share of 2 would cap them at 2.
        var kept = b.resized(rate: 5, burst: 4, now: 0)
        var n = 0
        for _ in 0..<10 where kept.take(now: 0) { n += 1 }
        #expect(n == 3)
        var capped = b.resized(rate: 1, burst: 2, now: 0)
        n = 0
        for _ in 0..<10 where capped.take(now: 0) { n += 1 }
        #expect(n == 2)
        // The new rate: 1 per second.
        let refilled = capped.take(now: 1)
        let early = capped.take(now: 1.5)
        #expect(refilled && !early)
    }
}
