import Foundation
import GRDB
import Logging
import SwarmCore
import SwarmProtocol

/// Who is asking: resolved from the session's token, passed to every store call that checks rights.
public struct Principal: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: Role
    public var tokenId: Int64?
    /// Limits of the token this session authenticated with (bots).
    public var scope: TokenScope

    public init(id: Int64, name: String, role: Role, tokenId: Int64? = nil, scope: TokenScope = .unlimited) {
        self.id = id
        self.name = name
        self.role = role
        self.tokenId = tokenId
        self.scope = scope
    }

    public var userId: String { Ids.make(.user, id) }
}

/// Which database the store runs on (`storage.backend`).
public enum StorageBackend: String, Sendable, CaseIterable {
    case sqlite
    case postgres
}

public struct StoreOptions: Sendable {
    public var backend: StorageBackend = .sqlite
    /// `postgres://user:password@host:port/database` when `backend` is postgres.
    public var url: String?
    public var path: String
    /// `full` fsyncs every commit (survives power loss); `normal` survives process crashes only.
    public var synchronous: String
    public var readers: Int
    public var maxBatch: Int
    public var busyTimeoutMillis: Int
    /// kb.search ranks at most this many of the newest matches per phase, plus the articles that
    /// solved the most cases; 0 ranks every match.
    public var kbSearchCandidates: Int
    /// SQLite: how much of the database file readers map into memory (`PRAGMA mmap_size`); 0 reads
    /// every page with pread. The mapped pages are the OS cache's own, shared and reclaimable.
    /// SQLite's own ceiling (2 GiB less 64 KiB; address space, not memory): pages past the map are
    /// copied out with pread again, and a month of 1,000,000 contacts is a 330 MB file whose report
    /// tables lie past the first 256 MB (the old value; the kernel's copies were 6.6 % of a report's
    /// CPU then, 2.4 % with the whole file mapped).
    public var mmapBytes: Int = 0x7fff_0000
    /// PostgreSQL: how long any answer and any store transaction may take before the caller gets
    /// `unavailable` and the connection is replaced (`storage.statement_timeout_ms`,
    /// `storage.transaction_timeout_ms`).
    public var postgresTimeouts = PostgresTimeouts.standard
    /// SQLite: keep the message search index (`MessageSearchIndex`, its own file beside the
    /// database). The server does; `swarmd admin` commands, which may run beside it, do not.
    public var indexesMessages = true
    /// How long the message search indexer waits after a commit for more before it reads them
    /// (a search needing the index ends the wait): one round per post cost more CPU than the post.
    public var searchIndexGather: Duration = .milliseconds(1000)

    public init(path: String, synchronous: String = "full", readers: Int = 4, maxBatch: Int = 512, busyTimeoutMillis: Int = 5000,
                kbSearchCandidates: Int = 500, backend: StorageBackend = .sqlite, url: String? = nil) {
        self.backend = backend
        self.url = url
        self.path = path
        self.synchronous = synchronous
        self.readers = readers
        self.maxBatch = maxBatch
        self.busyTimeoutMillis = busyTimeoutMillis
        self.kbSearchCandidates = kbSearchCandidates
    }
}

/// The SQLite implementation of the store: one writer (the group committer) and a pool of readers
/// in WAL mode. Every state change goes through `committer.write`, which appends its events to the
/// log in the same transaction.
public final class SQLiteStore: Sendable {
    /// Where transactions come from: SQLite (GRDB) or PostgreSQL. The store's rules and statements
    /// are the same for both; `SQLDB.dialect` picks the few statements that differ.
    public let backend: any SQLBackend
    public let committer: GroupCommitter
    let logger: Logger
    let kbSearchCandidates: Int
    /// SLA policies and the clock the SLA rules read (the server sets both; tests inject the clock).
    public let sla = SLAContext()
    /// Authors recently refused posting to a channel: their posts there skip the optimistic path.
    let refusedPosters = RefusedPosters()
    /// SQLite's message search index, when this process keeps it (`StoreOptions.indexesMessages`).
    public let messageIndex: MessageSearchIndex?
    private let runner: Task<Void, Never>
    private let indexer: Task<Void, Never>?

    /// Opens the store on the configured backend, migrating its schema first.
    public static func connect(_ options: StoreOptions, logger: Logger = Logger(label: "swarm.store")) async throws -> SQLiteStore {
        switch options.backend {
        case .sqlite:
            return try open(options, logger: logger)
        case .postgres:
            guard let url = options.url, !url.isEmpty else {
                throw SQLConfigurationError("storage.backend = \"postgres\" needs storage.url (or SWARM_STORAGE_URL)")
            }
            let backend = PostgresBackend(location: try PostgresLocation(url: url), readers: options.readers, timeouts: options.postgresTimeouts, logger: logger)
            let applied: [String]
            do {
                applied = try await PostgresMigrations.migrate(backend)
            } catch {
                await backend.shutdown()
                throw SQLConfigurationError("cannot open the PostgreSQL database \(backend.location.redacted): \(error)")
            }
            if !applied.isEmpty { logger.notice("migrated PostgreSQL schema", metadata: ["steps": "\(applied.joined(separator: ", "))"]) }
            let head: Int64
            do {
                head = try await backend.read { db in try Self.head(db) }
            } catch {
                // A backend dropped with its connections open trips PostgresNIO's "deinitialized
                // before being closed" assertion (a crash in CI when this read timed out).
                await backend.shutdown()
                throw error
            }
            return SQLiteStore(backend: backend, committer: GroupCommitter(backend: backend, maxBatch: options.maxBatch, startSeq: head, logger: logger),
                               logger: logger, kbSearchCandidates: max(0, options.kbSearchCandidates))
        }
    }

    /// `PRAGMA synchronous` as SQLite reports it, by the name `storage.synchronous` gives.
    static let synchronousLevels = ["NORMAL": 1, "FULL": 2, "EXTRA": 3]

    /// Opens (and migrates) the SQLite database at `options.path`.
    public static func open(_ options: StoreOptions, logger: Logger = Logger(label: "swarm.store")) throws -> SQLiteStore {
        guard options.backend == .sqlite else { throw SQLConfigurationError("open(_:) is SQLite's; use connect(_:) for \(options.backend.rawValue)") }
        try DatabaseFiles.prepare(path: options.path)
        let sync = options.synchronous.uppercased()
        guard let wanted = Self.synchronousLevels[sync] else {
            throw SwarmError.badRequest("storage.synchronous must be full, normal or extra")
        }
        var config = Configuration()
        config.maximumReaderCount = max(1, options.readers)
        config.busyMode = .timeout(Double(options.busyTimeoutMillis) / 1000)
        // Before the pool: its readers attach the index file, which must exist by then.
        let index = options.indexesMessages ? try MessageSearchIndex(databasePath: options.path, gather: options.searchIndexGather, logger: logger) : nil
        let indexPath = index?.path
        config.prepareDatabase { db in
            // No `synchronous` here: it matters only on the writer, and GRDB resets the writer's
            // after this runs (it is set once the pool is open, below).
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Reads map the file instead of copying each page out of the OS cache with pread: a
            // month's report reads 100,000 rows through a 2 MB page cache. Writes still go through
            // the WAL as before (SQLite never writes through the map).
            try db.execute(sql: "PRAGMA mmap_size = \(options.mmapBytes)")
            if !db.configuration.readonly {
                // The writer's savepoints keep the pages they change in a sub-journal, which SQLite
                // spills past 64 KiB into a temporary file it creates, writes and deletes each time: a
                // batch of posts did, and those writes were more than half the writer's pwrite calls.
                // In memory it is a copy. The writer's other temporary tables live in memory too; its
                // largest is the bulk KB import's term rebuild, about the size of the KB's word list.
                // (Readers keep temporary files: a report's sort can be large.)
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            } else if let indexPath {
                try MessageSearchIndex.attach(db, path: indexPath)
            }
            KBRankFunction.register(db)
        }
        let pool: DatabasePool, head: Int64
        do {
            pool = try DatabasePool(path: options.path, configuration: config)
            // GRDB's pool sets the writer to `synchronous = NORMAL` when it turns WAL on, after
            // `prepareDatabase` ran: set there, `full` never reached the one connection that
            // commits, and a commit was acknowledged before its WAL frames were synced.
            // Read back, so a later GRDB that moves its own setting elsewhere stops the start
            // instead of silently weakening what an acknowledgement means.
            let level = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(sync)")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            guard level == wanted else {
                throw SQLConfigurationError("the SQLite writer runs at synchronous level \(level.map(String.init) ?? "?"), not \(sync)")
            }
            try Migrations.migrator.migrate(pool)
            try pool.write(KBTerms.refreshIfStale)
            head = try pool.read { db in try Int64.fetchOne(db.cachedStatement(sql: Self.headQuery)) ?? 0 }
            try index?.reconcile(with: pool)
        } catch {
            // No store to close: the indexer's thread would stay for the process's life.
            index?.thread.shutdownNow()
            throw error
        }
        let backend = SQLiteBackend(pool: pool)
        return SQLiteStore(backend: backend, committer: GroupCommitter(backend: backend, maxBatch: options.maxBatch, startSeq: head, logger: logger),
                           logger: logger, kbSearchCandidates: max(0, options.kbSearchCandidates), messageIndex: index)
    }

    /// The GRDB pool under the SQLite backend, for SQLite-only tools (benchmarks, tests that build
    /// old schemas); nil on other backends.
    public var sqlitePool: DatabasePool? { (backend as? SQLiteBackend)?.pool }

    init(backend: any SQLBackend, committer: GroupCommitter, logger: Logger, kbSearchCandidates: Int, messageIndex: MessageSearchIndex? = nil) {
        self.backend = backend
        self.committer = committer
        self.logger = logger
        self.kbSearchCandidates = kbSearchCandidates
        self.messageIndex = messageIndex
        self.runner = Task(executorPreference: committer.thread) { await committer.run() }
        if let messageIndex, let pool = (backend as? SQLiteBackend)?.pool {
            committer.setAfterCommit { messageIndex.noteCommit() }
            self.indexer = Task(executorPreference: messageIndex.thread) {
                await messageIndex.run(source: pool) { through in
                    try await committer.write { tx in
                        try tx.db.execute("DELETE FROM message_search_changes WHERE seq <= ?", [through])
                    }
                }
            }
        } else {
            self.indexer = nil
        }
    }

    /// Finishes queued writes, then stops the writer loop and the search indexer.
    public func close() async {
        messageIndex?.close()
        await indexer?.value
        await messageIndex?.thread.shutdown()
        committer.close()
        await runner.value
        await committer.thread?.shutdown()
        await backend.shutdown()
    }

    /// Whether writes currently succeed (`/readyz`).
    public var health: StorageHealth { committer.health }

    func read<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        try await StorageHealth.wiring { try await backend.read(body) }
    }

    /// `read` for a body of one statement (`SQLBackend.readStatement`).
    func readStatement<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        try await StorageHealth.wiring { try await backend.readStatement(body) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (WriteTx) throws -> T) async throws -> T {
        try await committer.write(body)
    }

    /// Runs `body` unless this user already ran an op with this key; then returns the stored first
    /// result. Keys are per user; reusing a key for another op is a conflict.
    func idempotent<T: Codable>(_ tx: WriteTx, user: Int64, key: String?, op: Op, _ body: () throws -> T) throws -> T {
        guard let key = try Self.validIdempotencyKey(key) else { return try body() }
        if let done: T = try idempotentResult(tx, user: user, key: key, op: op) { return done }
        let value = try body()
        try recordIdempotent(tx, user: user, key: key, op: op, json: String(decoding: try tx.encoder.encode(value), as: UTF8.self))
        return value
    }

    static func validIdempotencyKey(_ key: String?) throws -> String? {
        guard let key else { return nil }
        guard !key.isEmpty, key.utf8.count <= 128 else { throw SwarmError.badRequest("idempotency_key must be 1–128 bytes") }
        return key
    }

    /// The stored first result of this user's op with this key, if there is one (reads only).
    func idempotentResult<T: Decodable>(_ tx: WriteTx, user: Int64, key: String, op: Op) throws -> T? {
        guard let row = try tx.db.fetchOne("SELECT op, result FROM idempotency WHERE user_id = ? AND key = ?", [user, key]) else { return nil }
        guard (row["op"] as String) == op.rawValue else {
            throw SwarmError.conflict("idempotency_key was already used for \(row["op"] as String)")
        }
        return try JSONDecoder().decode(T.self, from: Data((row["result"] as String).utf8))
    }

    /// Stores an op's first result (its JSON) under the user's key.
    func recordIdempotent(_ tx: WriteTx, user: Int64, key: String, op: Op, json: String) throws {
        try tx.db.execute(PendingPostRows.keyInsert, Self.idempotencyRow(user: user, key: key, op: op, json: json))
    }

    /// The idempotency row of an op's first result, in `PendingPostRows.keyColumns` order.
    static func idempotencyRow(user: Int64, key: String, op: Op, json: String) -> SQLArguments {
        [user, key, op.rawValue, json, Timestamp.now()]
    }
}
