import Foundation
import Synchronization
import SwarmClient
import SwarmProtocol
import SwarmStore
import Testing

@Suite("Crash durability with a real swarmd process", .hangGuard, .serialized)
struct CrashDurabilityTests {
    @Test("SIGKILL mid-stream: every acknowledged post survives; retries with the same key create nothing new")
    func killDuringPosts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("swarm.sqlite").path

        let add = try ChildServer.run(["admin", "user", "add", "alice", "--role", "lead", "--db", db])
        #expect(add.status == 0)
        let token = try #require(add.output.split(separator: "\n").first { $0.hasPrefix("token: ") }).dropFirst(7)
        #expect(try ChildServer.run(["admin", "channel", "create", "support", "--owner", "alice", "--db", db]).status == 0)

        let first = try await ChildServer.start(db: db)
        let writers = 8
        let acked = Locked<[String: String]>([:])   // idempotency key → message id
        let sent = Locked<Set<String>>([])
        let enough = AsyncStream<Void>.makeStream()
        let finishedWriters = Locked(0)
        let url = first.url
        let tokenText = String(token)

        await withTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    // When every writer has stopped (even early, on an error), the killer stops waiting.
                    defer { if finishedWriters.withLock({ $0 += 1; return $0 }) == writers { enough.continuation.finish() } }
                    guard let conn = try? await SwarmConnection.connect(url: url, hello: HelloRequest(token: tokenText, client: "crash-\(w)")) else { return }
                    for i in 0..<10_000 {
                        let key = "w\(w)-\(i)"
                        sent.withLock { _ = $0.insert(key) }
                        guard let reply = try? await conn.request(Op.messagePost.rawValue, MessagePostRequest(channel: "#support", body: key, idempotencyKey: key), as: Message.self) else { return }
                        let total = acked.withLock { $0[key] = reply.id; return $0.count }
                        if total == 400 { enough.continuation.yield() }
                    }
                }
            }
            group.addTask {
                for await _ in enough.stream { break }
                first.kill()
            }
            await group.next()   // the killer (or a writer) finished; the rest fail once the socket dies
            await group.waitForAll()
        }
        let ackedNow = acked.withLock { $0 }
        #expect(ackedNow.count >= 400)

        let second = try await ChildServer.start(db: db)
        defer { second.terminate() }
        let conn = try await SwarmConnection.connect(url: second.url, hello: HelloRequest(token: tokenText, client: "check"))
        func allMessages() async throws -> [Message] {
            var all: [Message] = []
            var before: String?
            repeat {
                let page = try await conn.request(Op.history.rawValue, HistoryRequest(channel: "#support", before: before, limit: 200), as: HistoryReply.self)
                all.insert(contentsOf: page.messages, at: 0)
                before = page.nextBefore
            } while before != nil
            return all
        }
        let stored = try await allMessages()
        let byId = Dictionary(stored.map { ($0.id, $0.body) }, uniquingKeysWith: { a, _ in a })
        for (key, id) in ackedNow {
            #expect(byId[id] == key, "acknowledged \(key) as \(id) but it is missing after the crash")
        }
        #expect(Set(stored.map(\.body)).count == stored.count, "no message stored twice")

        // Clients retry everything they sent (acked or not) with the same keys.
        for key in sent.withLock({ $0 }) {
            let reply = try await conn.request(Op.messagePost.rawValue, MessagePostRequest(channel: "#support", body: key, idempotencyKey: key), as: Message.self)
            if let id = ackedNow[key] { #expect(reply.id == id) }
        }
        let afterRetry = try await allMessages()
        #expect(afterRetry.count == sent.withLock { $0.count }, "each sent key is stored exactly once")
        #expect(Set(afterRetry.map(\.body)).count == afterRetry.count)
        await conn.close()
    }

    @Test("events written by `swarmd admin` while the server runs reach connected users")
    func adminWritesAreFannedOut() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("swarm.sqlite").path
        let add = try ChildServer.run(["admin", "user", "add", "bob", "--db", db])
        let token = try #require(add.output.split(separator: "\n").first { $0.hasPrefix("token: ") }).dropFirst(7)
        #expect(try ChildServer.run(["admin", "user", "add", "root", "--role", "admin", "--db", db]).status == 0)

        let server = try await ChildServer.start(db: db)
        defer { server.terminate() }
        let bob = try await TestClient.connect(url: server.url, token: String(token))
        #expect(try ChildServer.run(["admin", "channel", "create", "escalations", "--private", "--members", "bob", "--db", db]).status == 0)
        let joined = try await bob.event("member.joined", seconds: 10) { $0.data?["user"]?.string == bob.userId }
        let channel = try #require(joined.data?["channel"]?.string)
        // Bob can now post there, and a revoke from the CLI closes his session.
        _ = try await bob.post(channel, "hello escalations")
        #expect(try ChildServer.run(["admin", "token", "revoke", "bob", "--db", db]).status == 0)
        #expect(await bob.conn.closed().code == 4001)
    }
}
