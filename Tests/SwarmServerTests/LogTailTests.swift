import Foundation
import GRDB
import Logging
@testable import SwarmStore
import Testing

/// The group committer's tail of the shared log: what another node appended is handed to the
/// fan-out in seq order, once, in read transactions only.
@Suite("Log tail", .hangGuard, .enabled(if: TestBackend.isSQLite, "two processes on one SQLite file"))
struct LogTailTests {
    /// Counts write transactions; everything else goes to the SQLite backend underneath.
    struct CountingBackend: SQLBackend {
        let inner: SQLiteBackend
        let writes = Locked(0)
        var dialect: SQLDialect { inner.dialect }
        func read<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T { try await inner.read(body) }
        func write<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
            writes.withLock { $0 += 1 }
            return try await inner.write(body)
        }
        func shutdown() async {}
    }

    /// A new database in a directory of its own (removed by the caller), and a second connection
    /// to it standing for the other node.
    static func databaseAndOtherNode() async throws -> (dir: URL, path: String, other: DatabasePool) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("swarm.sqlite").path
        let store = try SQLiteStore.open(StoreOptions(path: path))
        await store.close()
        return (dir, path, try DatabasePool(path: path))
    }

    @Test("another process's events reach the fan-out in seq order, once; an idle poke takes no write transaction")
    func tailIsAReadInOrder() async throws {
        let (dir, path, other) = try await Self.databaseAndOtherNode()
        defer { try? FileManager.default.removeItem(at: dir) }
        let backend = CountingBackend(inner: SQLiteBackend(pool: try DatabasePool(path: path)))
        let committer = GroupCommitter(backend: backend, maxBatch: 16, startSeq: 0, logger: Logger(label: "tail-test"))
        let (batches, sink) = AsyncStream<[LoggedEvent]>.makeStream()
        committer.setOnCommit { sink.yield($0.events); return nil }
        let loop = Task { await committer.run() }

        func append(_ count: Int, type: String = "message.new", data: String = "{}") throws {
            try other.write { db in
                for _ in 0..<count {
                    try db.execute(sql: "INSERT INTO events(type, channel_id, user_id, data, created_at) VALUES (?, NULL, 1, ?, '2026-12-05T00:00:00.000Z')",
                                   arguments: [type, data])
                }
            }
        }
        var iterator = batches.makeAsyncIterator()
        /// Every event handed over until `through`, waiting at most 10 s.
        func received(through seq: Int64) async throws -> [Int64] {
            var seqs: [Int64] = []
            let deadline = Task { try await Task.sleep(for: .seconds(10)); sink.finish() }
            defer { deadline.cancel() }
            while seqs.last ?? 0 < seq {
                guard let batch = await iterator.next() else { throw Timeout(what: "events through \(seq)") }
                seqs += batch.map(\.seq)
            }
            return seqs
        }

        try append(5)
        committer.poke()
        #expect(try await received(through: 5) == [1, 2, 3, 4, 5])
        // A case event whose case cannot be found is passed over (the replay shows it to nobody),
        // and the tail moves past it.
        try append(1, type: "case.updated", data: #"{"change":"status","case":{"id":"CS999"}}"#)
        try append(3)
        committer.poke()
        committer.poke()
        #expect(try await received(through: 9) == [7, 8, 9])
        #expect(backend.writes.withLock { $0 } == 0, "tailing took no write transaction")

        // A local write reads the foreign events first, so they keep their place before its own.
        try append(2)
        let mine = try await committer.write { tx in try tx.append(.messageNew, channel: nil, user: 1, ["body": "local"]).seq }
        #expect(mine == 12)
        #expect(try await received(through: 12) == [10, 11, 12])
        #expect(backend.writes.withLock { $0 } == 1)

        committer.close()
        await loop.value
        sink.finish()
        #expect(await iterator.next() == nil, "nothing handed over twice")
    }

    /// Counts reads and looks at the change counter (`looks` yields each look's number); writes on
    /// the committer's own thread as the server's SQLite backend does.
    struct CountingBlockingBackend: SQLBackend, BlockingSQLWriter {
        let inner: SQLiteBackend
        let reads = Locked(0)
        let counterLooks = Locked(0)
        let looks: AsyncStream<Int>.Continuation
        var dialect: SQLDialect { inner.dialect }
        func read<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
            reads.withLock { $0 += 1 }
            return try await inner.read(body)
        }
        func write<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T { try await inner.write(body) }
        func writeBlocking<T>(_ body: (SQLDB) throws -> T) throws -> T { try inner.writeBlocking(body) }
        func othersChangeCounter() throws -> Int64 {
            defer { looks.yield(counterLooks.withLock { $0 += 1; return $0 }) }
            return try inner.othersChangeCounter()
        }
        func shutdown() async {}
    }

    /// On the committer's thread a look at the log is skipped while no other connection has
    /// committed since the last complete one (`BlockingSQLWriter.othersChangeCounter`): every later
    /// append must still be read, and so must the rest of a look that stopped at a full page.
    @Test("with the writer's change counter: each later append by another process is read, a full page's rest too, idle looks read nothing")
    func skippedLooksMissNothing() async throws {
        let (dir, path, other) = try await Self.databaseAndOtherNode()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (looks, looked) = AsyncStream<Int>.makeStream()
        let backend = CountingBlockingBackend(inner: SQLiteBackend(pool: try DatabasePool(path: path)), looks: looked)
        let committer = GroupCommitter(backend: backend, maxBatch: 16, startSeq: 0, logger: Logger(label: "tail-test"))
        let (batches, sink) = AsyncStream<[LoggedEvent]>.makeStream()
        committer.setOnCommit { sink.yield($0.events); return nil }
        // On its thread, as `SQLiteStore` starts it.
        let loop = Task(executorPreference: committer.thread) { await committer.run() }
        func append(_ count: Int) throws {
            try other.write { db in
                for _ in 0..<count {
                    try db.execute(sql: "INSERT INTO events(type, channel_id, user_id, data, created_at) VALUES ('message.new', NULL, 1, '{}', '2026-12-05T00:00:00.000Z')")
                }
            }
        }
        var iterator = batches.makeAsyncIterator()
        var last: Int64 = 0
        /// The events handed over until `through`, each once and in order, waiting at most 20 s.
        func receive(through seq: Int64) async throws {
            let deadline = Task { try await Task.sleep(for: .seconds(20)); sink.finish() }
            defer { deadline.cancel() }
            while last < seq {
                guard let batch = await iterator.next() else { throw Timeout(what: "events through \(seq), got through \(last)") }
                for event in batch {
                    #expect(event.seq == last + 1)
                    last = event.seq
                }
            }
        }

        for round in 1...3 {
            try append(round)
            committer.poke()
            try await receive(through: last + Int64(round))
        }
        // More than one look's page (10,000 rows): the rest is read although nobody commits meanwhile.
        try append(10_005)
        committer.poke()
        try await receive(through: last + 10_005)
        // Idle looks, each waited for: the counter only, no read.
        let reads = backend.reads.withLock { $0 }
        var lookNumbers = looks.makeAsyncIterator()
        for _ in 0..<5 {
            let before = backend.counterLooks.withLock { $0 }
            committer.poke()
            while let n = await lookNumbers.next(), n <= before {}
        }
        #expect(backend.reads.withLock { $0 } == reads, "idle looks read the log")
        try append(1)
        committer.poke()
        try await receive(through: last + 1)
        #expect(backend.reads.withLock { $0 } == reads + 1)

        committer.close()
        await loop.value
        await committer.thread?.shutdown()
        sink.finish()
        looked.finish()
    }
}
