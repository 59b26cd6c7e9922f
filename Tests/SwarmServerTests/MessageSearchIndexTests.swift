import Foundation
import GRDB
import Logging
import SwarmProtocol
import SwarmServer
import SwarmStore
import Testing

/// SQLite's message search index lives in its own file (`<db>-search`), written after the posts
/// commit. It is derived data: whatever happens to the file, searches over real sockets find
/// exactly what the database holds now, and never words a message no longer has.
@Suite("Message search index file", .hangGuard, .enabled(if: TestBackend.isSQLite, "the index file is SQLite's; PostgreSQL searches its tsvector column"))
struct MessageSearchIndexTests {
    /// A database directory that outlives its servers, so a test can stop one, change files, and
    /// start the next on the same database.
    final class Place: Sendable {
        let dir: URL
        let config: ServerConfig

        init(configure: (inout ServerConfig) -> Void = { _ in }) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-search-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            var config = ServerConfig()
            config.port = 0
            config.databasePath = dir.appendingPathComponent("swarm.sqlite").path
            config.synchronous = "normal"
            config.logLevel = "warning"
            config.helloTimeoutSeconds = 120
            configure(&config)
            self.config = config
        }

        var database: String { config.databasePath }
        var index: String { config.databasePath + "-search" }

        func start() async throws -> SwarmServer {
            var logger = Logger(label: "swarmd-test")
            logger.logLevel = .warning
            return try await SwarmServer.start(config, logger: logger)
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }

        /// A later start: a server on this database, `token`'s client on it for `body`; then the
        /// client closes and the server stops (when `body` fails too).
        func session<T>(_ token: String, _ body: (SwarmServer, TestClient) async throws -> T) async throws -> T {
            let server = try await start()
            var client: TestClient?
            do {
                let connected = try await MessageSearchIndexTests.connect(server, token)
                client = connected
                let result = try await body(server, connected)
                await connected.close()
                await server.stop()
                return result
            } catch {
                await client?.close()
                await server.stop()
                throw error
            }
        }

        /// The first start: user alice and #support; the server, alice's token and her client.
        func firstStart() async throws -> (SwarmServer, String, TestClient) {
            let server = try await start()
            let token = try await server.store.createUser(name: "alice", role: .agent, skills: []).1
            let alice = try await MessageSearchIndexTests.connect(server, token)
            _ = try await alice.createChannel("support")
            return (server, token, alice)
        }
    }

    static func connect(_ server: SwarmServer, _ token: String) async throws -> TestClient {
        try await TestClient.connect(url: "ws://127.0.0.1:\(server.port)/v1/ws", token: token)
    }

    static func bodies(_ client: TestClient, _ query: String) async throws -> [String] {
        try await client.request(.search, SearchRequest(query: query), as: SearchReply.self).results.map(\.message.body)
    }

    /// Copies a stopped server's database or index (its -wal and -shm with it, or their absence).
    static func copy(_ from: String, _ to: String) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: to + suffix)
            if FileManager.default.fileExists(atPath: from + suffix) { try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix) }
        }
    }

    @Test("a search cuts the indexer's gathering of commits short: posts acknowledged before it are found at once")
    func searchEndsGathering() async throws {
        // An hour: without the search's poke each search would wait its 2 s and miss the post.
        let place = try Place { $0.searchIndexGatherMilliseconds = 3_600_000 }
        defer { place.remove() }
        let (server, _, alice) = try await place.firstStart()
        for i in 1...3 {
            _ = try await alice.post("#support", "refund \(i) approved")
            #expect(try await Self.bodies(alice, "refund").count == i)
        }
        await alice.close()
        await server.stop()
    }

    @Test("a steady stream of commits ends the gathering without any search: the index keeps up under load")
    func commitsEndGathering() async throws {
        let place = try Place { $0.searchIndexGatherMilliseconds = 3_600_000 }
        defer { place.remove() }
        let (server, _, alice) = try await place.firstStart()
        // One commit each (each post is acknowledged before the next is sent): these end one
        // gathering (the channel's creation may be one of its commits), so a round reads the
        // first post at least; the next gathering starts with what comes after.
        for i in 1...MessageSearchIndex.gatherCommits { _ = try await alice.post("#support", "steady \(i)") }
        let database = try DatabaseQueue(path: place.database)
        let first = try await database.read { db in try Int64.fetchOne(db, sql: "SELECT MIN(id) FROM messages") } ?? 0
        try database.close()
        // No search pokes it: only the commits can end the hour's gathering.
        let index = try DatabaseQueue(path: place.index)
        defer { try? index.close() }
        try await waitFor("the index to read the first post, \(first), without a search", seconds: 20) {
            try await index.read { db in try Int64.fetchOne(db, sql: "SELECT through_message FROM index_state WHERE id = 1") } ?? 0 >= first
        }
        await alice.close()
        await server.stop()
    }

    @Test("a deleted index file is rebuilt from the messages at start: old and new posts are found")
    func deletedIndexRebuilt() async throws {
        let place = try Place()
        defer { place.remove() }
        let (first, token, alice) = try await place.firstStart()
        for i in 1...30 { _ = try await alice.post("#support", "parcel \(i) held at customs") }
        #expect(try await Self.bodies(alice, "customs").count == 20, "a page of 20 of the 30")
        await alice.close()
        await first.stop()

        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: place.index + suffix) }
        try await place.session(token) { (_, alice) async throws in
            let reply = try await alice.request(.search, SearchRequest(query: "parcel 17 customs", limit: 100), as: SearchReply.self)
            #expect(reply.results.map(\.message.body) == ["parcel 17 held at customs"])
            _ = try await alice.post("#support", "customs cleared for parcel 31")
            #expect(try await alice.request(.search, SearchRequest(query: "customs", limit: 100), as: SearchReply.self).results.count == 31)
            #expect(FileManager.default.fileExists(atPath: place.index))
        }
    }

    @Test("clean restarts keep the index as it is (no rebuild): after posts, edits and deletes, and after a rebuild")
    func cleanRestartsKeepIndex() async throws {
        let place = try Place()
        defer { place.remove() }
        // A row no message has: it survives a restart unless the index is emptied and read again.
        func plantSentinel() async throws {
            let index = try DatabaseQueue(path: place.index)
            try await index.write { db in
                try db.execute(sql: "DELETE FROM message_fts WHERE rowid = 999999")
                try db.execute(sql: "INSERT INTO message_fts(rowid, body) VALUES (999999, 'sentinel')")
            }
            try index.close()
        }
        func sentinelKept() async throws -> Bool {
            let index = try DatabaseQueue(path: place.index)
            defer { try? index.close() }
            return try await index.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM message_fts WHERE rowid = 999999") } == 1
        }
        let (firstServer, token, client) = try await place.firstStart()
        var server = firstServer, alice = client
        for round in 1...3 {
            let m = try await alice.post("#support", "osprey note \(round)")
            _ = try await alice.post("#support", "kestrel note \(round)")
            _ = try await alice.request(.messageEdit, MessageEditRequest(message: m.id, body: "osprey note \(round), edited"))
            if round == 2 { _ = try await alice.request(.messageDelete, MessageRef(message: m.id)) }
            #expect(try await server.store.messageIndexCaughtUp(within: .seconds(60)) == true)
            await alice.close()
            await server.stop()
            try await plantSentinel()
            server = try await place.start()
            alice = try await Self.connect(server, token)
            #expect(try await Self.bodies(alice, "kestrel").count == round)
            #expect(try await sentinelKept(), "restart \(round) rebuilt the index")
        }
        #expect(try await Self.bodies(alice, "osprey").sorted() == ["osprey note 1, edited", "osprey note 3, edited"])
        await alice.close()
        await server.stop()

        // After a rebuild (the file deleted) and a clean stop, the next start keeps it too.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: place.index + suffix) }
        server = try await place.start()
        #expect(try await server.store.messageIndexCaughtUp(within: .seconds(60)) == true)
        await server.stop()
        try await plantSentinel()
        server = try await place.start()
        #expect(try await sentinelKept(), "the start after a rebuild rebuilt again")
        await server.stop()
    }

    @Test("an index file made for another database is recognised and rebuilt: its words find nothing here")
    func foreignIndexRebuilt() async throws {
        let a = try Place(), b = try Place()
        defer { a.remove(); b.remove() }
        for (place, word) in [(a, "albatross"), (b, "buffalo")] {
            let (server, _, alice) = try await place.firstStart()
            for i in 1...3 { _ = try await alice.post("#support", "\(word) sighting \(i)") }
            #expect(try await Self.bodies(alice, word).count == 3)
            await alice.close()
            await server.stop()
        }
        // B's database with A's index: same message ids, other words.
        try Self.copy(a.index, b.index)
        let server = try await b.start()
        let token = try await server.store.createUser(name: "bruno", role: .agent, skills: []).1
        let bruno = try await Self.connect(server, token)
        #expect(try await Self.bodies(bruno, "albatross").isEmpty)
        #expect(try await Self.bodies(bruno, "buffalo sighting 2") == ["buffalo sighting 2"])
        await bruno.close()
        await server.stop()
    }

    @Test("a database restored from an older copy: the index forgets the messages it no longer has, and the reused ids index afresh")
    func restoredDatabase() async throws {
        let place = try Place()
        defer { place.remove() }
        let backup = place.dir.appendingPathComponent("backup.sqlite").path
        let (first, token, alice) = try await place.firstStart()
        _ = try await alice.post("#support", "kept: the refund went out")
        await alice.close()
        await first.stop()
        try Self.copy(place.database, backup)

        let lost = try await place.session(token) { (_, alice) async throws in
            let lost = try await alice.post("#support", "zebra crossing complaint")
            #expect(try await Self.bodies(alice, "zebra") == ["zebra crossing complaint"])
            return lost
        }

        // The backup goes back; the index (which read the zebra post) stays.
        try Self.copy(backup, place.database)
        try await place.session(token) { (_, alice) async throws in
            #expect(try await Self.bodies(alice, "zebra").isEmpty)
            #expect(try await Self.bodies(alice, "refund") == ["kept: the refund went out"])
            let again = try await alice.post("#support", "walrus on the loading dock")
            #expect(again.id == lost.id, "the restored database hands out the lost post's id again")
            #expect(try await Self.bodies(alice, "walrus") == ["walrus on the loading dock"])
            #expect(try await Self.bodies(alice, "zebra").isEmpty)
        }
    }

    @Test("a database that went on without its index (restored, then written to): the index sees another last message and is rebuilt")
    func divergedDatabase() async throws {
        let place = try Place()
        defer { place.remove() }
        let backup = place.dir.appendingPathComponent("backup.sqlite").path
        let saved = place.dir.appendingPathComponent("saved-index").path
        let (first, token, alice) = try await place.firstStart()
        _ = try await alice.post("#support", "one refund")
        await alice.close()
        await first.stop()
        try Self.copy(place.database, backup)

        let original = try await place.session(token) { (_, alice) async throws in
            let original = try await alice.post("#support", "pelican original text")
            #expect(try await Self.bodies(alice, "pelican") == ["pelican original text"])
            return original
        }
        try Self.copy(place.index, saved)

        // The backup goes back and takes a post of its own (with the same id) under a new index...
        try Self.copy(backup, place.database)
        try Self.copy(place.dir.appendingPathComponent("none").path, place.index)
        try await place.session(token) { (_, alice) async throws in
            let replacement = try await alice.post("#support", "heron replacement text")
            #expect(replacement.id == original.id)
        }

        // ...and then the old index comes back: same owner, same last id, another message.
        try Self.copy(saved, place.index)
        try await place.session(token) { (_, alice) async throws in
            #expect(try await Self.bodies(alice, "heron") == ["heron replacement text"])
            #expect(try await Self.bodies(alice, "pelican").isEmpty)
        }
    }

    @Test("an index that lost rounds the database already trimmed (a power cut) is rebuilt: the edited text is found, searches do not stall")
    func lostRoundsRebuilt() async throws {
        let place = try Place()
        defer { place.remove() }
        let (server, token, alice) = try await place.firstStart()
        let m = try await alice.post("#support", "the courier lost parcel 7")
        _ = try await alice.request(.messageEdit, MessageEditRequest(message: m.id, body: "the courier found parcel 7 in the depot"))
        #expect(try await Self.bodies(alice, "depot") == ["the courier found parcel 7 in the depot"])
        await alice.close()
        await server.stop()

        // As after a power cut that took the index's last round back after the database had
        // trimmed the change it read: the index holds the old text and has read no change.
        let index = try DatabaseQueue(path: place.index)
        try await index.write { db in
            try db.execute(sql: "DELETE FROM message_fts")
            try db.execute(sql: "INSERT INTO message_fts(rowid, body) VALUES (1, 'the courier lost parcel 7')")
            try db.execute(sql: "UPDATE index_state SET through_change = 0, change_message = NULL")
        }
        try index.close()
        let database = try DatabaseQueue(path: place.database)
        try await database.write { db in try db.execute(sql: "DELETE FROM message_search_changes") }
        try database.close()

        try await place.session(token) { (server, alice) async throws in
            let started = ContinuousClock.now
            #expect(try await Self.bodies(alice, "depot") == ["the courier found parcel 7 in the depot"])
            #expect(try await Self.bodies(alice, "lost").isEmpty)
            #expect(try await server.store.messageIndexCaughtUp(within: .zero) == true, "the index covers the database, so searches never wait")
            #expect(ContinuousClock.now - started < .seconds(60))
        }
    }

    @Test("while the index cannot be written, an edited message is no hit for its old words and its old text shows nowhere; then it catches up")
    func staleEntriesHidden() async throws {
        let place = try Place()
        defer { place.remove() }
        let (server, _, alice) = try await place.firstStart()
        let m = try await alice.post("#support", "customer card ending 4411 was charged twice")
        #expect(try await Self.bodies(alice, "4411") == ["customer card ending 4411 was charged twice"])

        // Another connection holds the index file's write lock (on a thread of its own, until
        // released): the indexer's rounds fail.
        let release = DispatchSemaphore(value: 0)
        let blocker = try DatabaseQueue(path: place.index)
        await withCheckedContinuation { (locked: CheckedContinuation<Void, Never>) in
            Thread {
                try? blocker.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        locked.resume()
                        release.wait()
                        return .commit
                    }
                }
            }.start()
        }
        _ = try await alice.request(.messageEdit, MessageEditRequest(message: m.id, body: "customer was charged twice (card removed)"))
        let stale = try await alice.request(.search, SearchRequest(query: "4411"), as: SearchReply.self)
        #expect(stale.results.isEmpty, "the index still has the old text, the message does not: \(stale.results.map(\.snippet))")
        #expect(try await Self.bodies(alice, "charged").isEmpty, "not indexed as it is now yet, and its old entry is stale")

        release.signal()
        // A failed round is tried again a second later.
        #expect(try await server.store.messageIndexCaughtUp(within: .seconds(60)) == true)
        let caught = try await alice.request(.search, SearchRequest(query: "charged"), as: SearchReply.self)
        #expect(caught.results.map(\.snippet) == ["customer was **charged** twice (card removed)"])
        #expect(try await Self.bodies(alice, "4411").isEmpty)
        await alice.close()
        await server.stop()
    }
}
