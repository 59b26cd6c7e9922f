import Foundation
@testable import SwarmServer
@testable import SwarmStore
import SwarmCore
import SwarmProtocol
import Testing

/// Checked jobs (`GroupCommitter.write(checked:)`, the post path) share one savepoint per run of
/// neighbours instead of one each. One job's refusal or failure must still fail that job only,
/// and a post's hand-written JSON must decode to what the encoder would have written.
@Suite("Group commit: checked jobs and prepared posts", .hangGuard)
struct GroupCommitTests {
    @Test("in one batch of checked jobs a refusal and a failing write fail their own jobs; the others commit, in order, with no gap in the log")
    func sharedSavepointFailuresStayWithTheirJobs() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let store = server.store
        let committer = store.committer
        let before = try await store.backend.read { db in try db.fetchOne(Int64.self, "SELECT COALESCE(MAX(seq), 0) FROM events") ?? 0 }

        enum Outcome { case ok, refuse, failWrite }
        func job(_ name: String, _ outcome: Outcome) -> @Sendable () async throws -> Int64 {
            {
                try await committer.write(checked: { (tx: WriteTx) throws -> (WriteTx) throws -> Int64 in
                    _ = try tx.db.fetchOne(Int64.self, "SELECT COUNT(*) FROM meta")
                    if outcome == .refuse { throw SwarmError.forbidden("refused \(name)") }
                    return { tx in
                        let event = try tx.append(.messageNew, channel: nil, user: nil, ["test": name])
                        try tx.db.execute("INSERT INTO meta(key, value) VALUES (?, '1')", ["checked-\(name)"])
                        // The same key again: refused by the database after this job wrote.
                        if outcome == .failWrite { try tx.db.execute("INSERT INTO meta(key, value) VALUES (?, '2')", ["checked-\(name)"]) }
                        return event.seq
                    }
                })
            }
        }
        let names: [(String, Outcome)] = [("a", .ok), ("b", .refuse), ("c", .ok), ("d", .failWrite), ("e", .ok)]
        // Behind a held writer, so the jobs queue up and run as one batch.
        let tasks = try await Self.queuedAsOneBatch(committer) { queue in
            var tasks: [Task<Int64, Error>] = []
            for (name, outcome) in names { tasks.append(try await queue(job(name, outcome))) }
            return tasks
        }

        var seqs: [String: Int64] = [:]
        for ((name, outcome), task) in zip(names, tasks) {
            switch outcome {
            case .ok: seqs[name] = try await task.value
            case .refuse:
                await #expect(throws: SwarmError.forbidden("refused \(name)")) { try await task.value }
            case .failWrite:
                await #expect(throws: SQLConstraintViolation.self) { try await task.value }
            }
        }
        #expect(seqs == ["a": before + 1, "c": before + 2, "e": before + 3], "the committed jobs take consecutive seqs in queue order")

        let (logged, keys) = try await store.backend.read { db in
            (try db.fetchAll(Int64.self, "SELECT seq FROM events WHERE seq > ? ORDER BY seq", [before]),
             try db.fetchAll(String.self, "SELECT key FROM meta WHERE key LIKE 'checked-%' ORDER BY key"))
        }
        #expect(logged == [before + 1, before + 2, before + 3])
        #expect(keys == ["checked-a", "checked-c", "checked-e"], "the failed job's first write is undone, the others' kept")
    }

    @Test("a refused post, a post to a missing channel and a retried key beside good posts, a batch each: each answered right, the good ones stored and delivered once")
    func refusedPostsBesideGoodOnes() async throws {
        // On PostgreSQL the plain posts of a batch are optimistic (`SQLiteStore.optimisticPost`):
        // a refusal or the retried key fails the shared savepoint, and every post runs again
        // alone. One such post per batch, so a check the optimistic path lacked would show.
        try await withServer { server in
            let alice = try await server.client("alice")
            // One client per request: a session answers its requests in turn.
            let bob = try await server.client("bob")
            let carol = try await server.client("carol")
            let dave = try await server.client("dave")
            let dave2 = try await TestClient.connect(url: server.url, token: dave.token)
            let erin = try await server.client("erin")
            let channel = try await alice.createChannel("ops-\(UInt32.random(in: 0...UInt32.max))", kind: .private, members: ["dave", "erin"])
            let committer = server.store.committer
            enum Outcome: Sendable, Equatable { case posted(Message), refused(ErrorCode?) }
            let one = try await Self.batch(committer) { queue in [
                try await queue { Outcome.posted(try await alice.post(channel.id, "first")) },
                try await queue { Outcome.refused(try await bob.refusal(.messagePost, MessagePostRequest(channel: channel.id, body: "not a member"))) },
                try await queue { Outcome.posted(try await dave.post(channel.id, "second", key: "k-2")) },
            ] }
            let two = try await Self.batch(committer) { queue in [
                try await queue { Outcome.posted(try await dave2.post(channel.id, "second", key: "k-2")) },
                try await queue { Outcome.posted(try await erin.post(channel.id, "third")) },
            ] }
            let three = try await Self.batch(committer) { queue in [
                try await queue { Outcome.refused(try await carol.refusal(.messagePost, MessagePostRequest(channel: "C999999999", body: "nowhere"))) },
                try await queue { Outcome.posted(try await alice.post(channel.id, "fourth")) },
            ] }
            guard case .posted(let first) = one[0], case .posted(let second) = one[2], case .posted(let third) = two[1],
                  case .posted(let fourth) = three[1] else {
                Issue.record("a good post failed: \(one) \(two) \(three)")
                return
            }
            #expect(one[1] == .refused(.forbidden))
            #expect(two[0] == .posted(second), "a retried key answers with the first result")
            #expect(three[0] == .refused(.notFound))
            #expect([first, second, third, fourth].map(\.body) == ["first", "second", "third", "fourth"])
            #expect(try await dave.post(channel.id, "second again", key: "k-2") == second, "the key returns the first result")
            let history = try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(history.messages.map(\.body) == ["first", "second", "third", "fourth"])
            // A member sees each stored message once, in order, and nothing else.
            for message in [first, second, third, fourth] {
                #expect(try await erin.event("message.new").decode(Message.self).id == message.id)
            }
            #expect(await erin.pending("message.new").isEmpty)
        }
    }

    @Test("one batch of plain posts, a post with a mention between them and two posts by one author: ids follow the log, the read mark is the later post")
    func batchedPostsKeepTheLogOrder() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let alice2 = try await TestClient.connect(url: server.url, token: alice.token)
            let dave = try await server.client("dave")
            let erin = try await server.client("erin")
            let channel = try await alice.createChannel("order-\(UInt32.random(in: 0...UInt32.max))", kind: .private, members: ["dave", "erin"])
            let posted = try await Self.batch(server.store.committer) { queue in [
                try await queue { try await alice.post(channel.id, "a") },
                // @names take the waiting path (their users are looked up) in the middle of the optimistic ones.
                try await queue { try await dave.post(channel.id, "b @erin") },
                try await queue { try await alice2.post(channel.id, "c") },
            ] }
            #expect(posted.map(\.body) == ["a", "b @erin", "c"])
            var live: [String] = []
            for _ in posted { live.append(try await erin.event("message.new").decode(Message.self).body) }
            let history = try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(live == ["a", "b @erin", "c"], "delivered in log order")
            #expect(history.messages.map(\.body) == live, "message ids in log order")
            let ids = posted.compactMap { Ids.parse(.message, $0.id) }
            let aliceMark = try await server.store.backend.read { db in
                try db.fetchOne(Int64.self, "SELECT m.last_read FROM members m JOIN users u ON u.id = m.user_id WHERE u.name = 'alice' AND m.channel_id = ?",
                                [Ids.parse(.channel, channel.id)])
            }
            #expect(aliceMark == ids[2], "the author's read mark is their later post")
        }
    }

    @Test("a check whose statement PostgreSQL refuses (text with a NUL), last in its group, fails only its own job")
    func failedStatementInACheckIsNotARefusal() async throws {
        // PostgreSQL answers such a statement with an error the store reads as `bad_request`, but
        // the transaction is aborted: taken for a plain refusal, the group would not roll back and
        // the whole batch would fail at its commit.
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let committer = server.store.committer
        func job(_ name: String, nul: Bool) -> @Sendable () async throws -> String {
            {
                try await committer.write(checked: { (tx: WriteTx) throws -> (WriteTx) throws -> String in
                    _ = try tx.db.fetchOne(String.self, "SELECT ?", [nul ? "a\u{0}b" : name])
                    return { tx in
                        try tx.db.execute("INSERT INTO meta(key, value) VALUES (?, '1')", ["nul-\(name)"])
                        return name
                    }
                })
            }
        }
        let tasks = try await Self.queuedAsOneBatch(committer) { queue in [
            try await queue(job("a", nul: false)), try await queue(job("b", nul: false)), try await queue(job("c", nul: true)),
        ] }
        #expect(try await tasks[0].value == "a")
        #expect(try await tasks[1].value == "b")
        let postgres = TestBackend.postgresURL != nil
        if postgres {
            await #expect(throws: SwarmError.badRequest("text must not contain NUL characters")) { try await tasks[2].value }
        } else {
            #expect(try await tasks[2].value == "c")
        }
        let keys = try await server.store.backend.read { db in
            try db.fetchAll(String.self, "SELECT key FROM meta WHERE key LIKE 'nul-%' ORDER BY key")
        }
        #expect(keys == (postgres ? ["nul-a", "nul-b"] : ["nul-a", "nul-b", "nul-c"]))
    }

    @Test("a post with a NUL in its body or key: refused on PostgreSQL before it queues, stored on SQLite")
    func nulPost() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("nul-\(UInt32.random(in: 0...UInt32.max))")
            let postgres = TestBackend.postgresURL != nil
            let body = try await alice.refusal(.messagePost, MessagePostRequest(channel: channel.id, body: "a\u{0}b"))
            let key = try await alice.refusal(.messagePost, MessagePostRequest(channel: channel.id, body: "k", idempotencyKey: "k\u{0}"))
            #expect(body == (postgres ? .badRequest : nil))
            #expect(key == (postgres ? .badRequest : nil))
            #expect(try await alice.post(channel.id, "after").body == "after")
        }
    }

    @Test("a non-member posting again and again costs its neighbours one rerun, not one per batch")
    func repeatedRefusalsTakeTheWaitingPath() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let dave = try await server.client("dave")
            let channel = try await alice.createChannel("spam-\(UInt32.random(in: 0...UInt32.max))", kind: .private, members: ["dave"])
            let committer = server.store.committer
            func round(_ n: Int) async throws -> [ErrorCode?] {
                try await Self.batch(committer) { queue in [
                    try await queue { try await alice.refusal(.messagePost, MessagePostRequest(channel: channel.id, body: "a\(n)")) },
                    try await queue { try await bob.refusal(.messagePost, MessagePostRequest(channel: channel.id, body: "spam \(n)")) },
                    try await queue { try await dave.refusal(.messagePost, MessagePostRequest(channel: channel.id, body: "d\(n)")) },
                ] }
            }
            let before = committer.reruns.load(ordering: .relaxed)
            #expect(try await round(1) == [nil, .forbidden, nil])
            let afterFirst = committer.reruns.load(ordering: .relaxed)
            // PostgreSQL: the first refusal rolls the optimistic group back (its 3 posts run again alone).
            #expect(afterFirst - before == (TestBackend.postgresURL != nil ? 3 : 0))
            for n in 2...4 { #expect(try await round(n) == [nil, .forbidden, nil]) }
            #expect(committer.reruns.load(ordering: .relaxed) == afterFirst, "the author's later refusals roll nothing back")
            let history = try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(history.messages.map(\.body) == (1...4).flatMap { ["a\($0)", "d\($0)"] })
        }
    }

    @Test("SQLite rolls a batch back on its own mid-way: the jobs after it fail too, none commits alone, the writer goes on",
          .enabled(if: TestBackend.isSQLite, "the batch's transaction statements here are SQLite's"))
    func batchRolledBackBySQLite() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let committer = server.store.committer
        // b's ROLLBACK stands for SQLite ending the transaction itself (it does on BUSY or NOMEM
        // mid-statement, errors that are not storage failures): c's savepoint must not open a
        // transaction of its own and commit c outside the failing batch.
        func job(_ name: String, rollsBack: Bool = false) -> @Sendable () async throws -> Void {
            {
                try await committer.write { (tx: WriteTx) throws -> Void in
                    try tx.db.execute("INSERT INTO meta(key, value) VALUES (?, '1')", ["aborted-\(name)"])
                    if rollsBack { try tx.db.execute("ROLLBACK", []) }
                }
            }
        }
        let tasks = try await Self.queuedAsOneBatch(committer) { queue in [
            try await queue(job("a")), try await queue(job("b", rollsBack: true)), try await queue(job("c")),
        ] }
        for task in tasks {
            await #expect(throws: (any Error).self) { try await task.value }
        }
        let kept = try await server.store.backend.read { db in try db.fetchAll(String.self, "SELECT key FROM meta WHERE key LIKE 'aborted-%'") }
        #expect(kept.isEmpty, "committed outside their failed batch: \(kept)")
        try await committer.write { (tx: WriteTx) throws -> Void in try tx.db.execute("INSERT INTO meta(key, value) VALUES ('after-abort', '1')", []) }
        let after = try await server.store.backend.read { db in try db.fetchAll(String.self, "SELECT key FROM meta WHERE key = 'after-abort'") }
        #expect(after == ["after-abort"])
    }

    /// Queues the requests `posts` starts behind a held writer, one at a time, so they run as one
    /// batch; returns their answers in order.
    static func batch<T: Sendable>(_ committer: GroupCommitter,
                                   _ posts: (_ queue: (@escaping @Sendable () async throws -> T) async throws -> Task<T, Error>) async throws -> [Task<T, Error>]) async throws -> [T] {
        var values: [T] = []
        for task in try await queuedAsOneBatch(committer, posts) { values.append(try await task.value) }
        return values
    }

    /// Starts the jobs `jobs` queues behind a held writer, one at a time (each waits in the
    /// committer's queue before the next starts), so they run as one batch; returns their tasks,
    /// in order, once the writer was let go.
    static func queuedAsOneBatch<T: Sendable>(_ committer: GroupCommitter,
                                              _ jobs: (_ queue: (@escaping @Sendable () async throws -> T) async throws -> Task<T, Error>) async throws -> [Task<T, Error>]) async throws -> [Task<T, Error>] {
        let (gate, holder) = try await PipelinedWriteTests.holdWriter(committer)
        var queued = 0
        let tasks = try await jobs { body in
            let task = Task { try await body() }
            queued += 1
            try await PipelinedWriteTests.waitFor(pending: queued, committer)
            return task
        }
        gate.release.signal()
        try await holder.value
        return tasks
    }

    @Test("a message's hand-written JSON decodes to the message, hostile bodies and every optional included")
    func messageJSONMatchesTheMessage() throws {
        var bodies = ["hello", "quotes \" and \\ backslash / slash", "tabs\tnew\nlines\r\u{1}\u{8}\u{C}\u{1F}\u{7F}", "ünïcödé 🐝 \u{2028}",
                      "", String(repeating: "x", count: 5000), "{\"id\":\"fake\"}", "\\u0000"]
        var random = SeededRandom(seed: 7)
        for _ in 0..<200 {
            let scalars = (0..<Int(random.next() % 40)).compactMap { _ in Unicode.Scalar(UInt32(random.next() % 0x300)) }
            bodies.append(String(String.UnicodeScalarView(scalars)))
        }
        let card = JSONValue.object(["kind": .string("note"), "text": .string("a \"card\"\n")])
        let encoder = JSONCoding.encoder()
        for (i, body) in bodies.enumerated() {
            let rich = i % 2 == 1
            let message = Message(id: "m\(i)", channel: "c3", author: "u1", authorName: "al\"ice", body: body, thread: rich ? "m1" : nil,
                                  replyCount: i, mentions: rich ? ["u2", "u3"] : [], createdAt: "2026-12-06T01:02:03.456Z",
                                  editedAt: rich ? "2026-12-06T01:02:04.000Z" : nil, deleted: rich, card: rich ? card : nil, mark: rich ? "answer" : nil)
            let cardJSON = try message.card.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            let json = MessageJSON.encode(message, card: cardJSON)
            #expect(try JSONDecoder().decode(Message.self, from: Data(json.utf8)) == message, "body \(body.debugDescription)")
            // The same keys as the encoder's output, no more (absent optionals left out).
            let encoded = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(message))
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) == encoded)
        }
    }

    @Test("a post's reply built around its logged JSON is the reply the encoder builds")
    func rawReplyMatchesTheEncoder() throws {
        let message = Message(id: "m5", channel: "c2", author: "u1", authorName: "alice", body: "a/b \"c\"", thread: nil, replyCount: 0,
                              mentions: [], createdAt: "2026-12-06T01:02:03.456Z", editedAt: nil, deleted: false)
        let json = String(decoding: try JSONCoding.encoder().encode(message), as: UTF8.self)
        for id in ["c-17", "1", "req/with/slashes", ""] {
            // The encoder does not keep key order from one encoding to the next: compare the JSON, not its bytes.
            let raw = try #require(MessageOps.rawReply(id, json))
            let encoded = Wire.reply(id, message)
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(raw.utf8)) == JSONDecoder().decode(JSONValue.self, from: Data(encoded.utf8)))
        }
        #expect(MessageOps.rawReply("quote\"d", json) == nil, "ids that need escaping go through the encoder")
        #expect(MessageOps.rawReply("ünï", json) == nil)
    }
}
