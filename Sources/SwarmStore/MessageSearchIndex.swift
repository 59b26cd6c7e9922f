import Foundation
import GRDB
import Logging
import Synchronization

/// SQLite's message search index, in a file of its own beside the database (`<path>-search`),
/// with its own writer: posts commit without it (it was ~30 % of the post writer's time as
/// triggers in their transactions), and it follows them in rounds that gather what was committed
/// for up to `gatherDelay`, or at once when a search needs it (`run`, `poke`).
///
/// The index is derived data. Its file says which database it was made for and how far it has
/// read (`index_state`: the last message id and the last body change, `MessageSearchSchema`,
/// with what it saw there), in the same transactions as its entries, so after a crash it resumes
/// where it stopped; a file made for another database, one that has read what the database does
/// not have (a restored copy), or one that missed body changes the database no longer lists, is
/// rebuilt at start (`reconcile`); deleting it while the server is stopped is always safe.
/// Searches wait until it has read every message committed before they started (`waitFor`), so a
/// post is found as soon as it is acknowledged. Only `swarmd serve` keeps the index
/// (`StoreOptions.indexesMessages`); other processes that open the database leave it to the server.
public final class MessageSearchIndex: Sendable {
    /// How far the index has read the database: the last message id and the last body change
    /// (`message_search_changes.seq`) it has indexed.
    public struct Progress: Sendable, Equatable {
        public var message: Int64
        public var change: Int64

        func covers(_ other: Progress) -> Bool { message >= other.message && change >= other.change }
    }

    /// The schema name the index file is attached under on the database's reader connections.
    static let schema = "search_index"
    /// Rows read and indexed per transaction (a rebuild runs in such steps; a live server's
    /// rounds hold what one group commit wrote).
    static let step = 2_000
    /// The index file's schema; a file of another version is made anew (and read again).
    static let version = 2
    /// A search waits for the index only while it is this many messages behind at most: further
    /// behind it is rebuilding (the first start after `v17`), and searches answer from what it has.
    static let waitLimit: Int64 = 20 * Int64(step)

    let path: String
    /// After a commit the indexer waits this long for more before its round, unless a search
    /// asks for it (`poke`) sooner: at a few posts a second a round per post cost ~0.4 ms of CPU
    /// (a read and a write transaction), a third of the post's own cost.
    let gatherDelay: Duration
    /// The index file's one connection: the indexer writes through it.
    let queue: DatabaseQueue
    /// Where the indexer's loop runs (`SQLiteStore` starts it there): its reads of the database
    /// and writes to the index file are synchronous calls on this thread, its gathering timer a
    /// timer of this thread's.
    let thread: StoreThread
    let logger: Logger
    let state: Mutex<State>
    let wake: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>

    struct State {
        var done = Progress(message: 0, change: 0)
        var waiters: [Int: (target: Progress, resume: CheckedContinuation<Void, Never>)] = [:]
        var nextWaiter = 0
        /// The last body change removed from `message_search_changes` (rows up to it are indexed).
        var trimmedThrough: Int64 = 0
        var lastTrim: ContinuousClock.Instant?
        var failing = false
        var closed = false
        /// When a search last logged that the index was behind (at most one such line a minute).
        var lastBehindLog: ContinuousClock.Instant?
        /// A search (or a retry) asked for a round now; ends the indexer's wait for more commits.
        var urgent = false
        var urgentWaiter: CheckedContinuation<Void, Never>?
        /// Commits noted since the last gathering ended (any commit with events, not only posts:
        /// under a stream of other writes a round may find nothing, one cheap read).
        var gathered = 0
        /// Counts the gatherings, so a timer of an earlier one that still runs ends nothing.
        var gathering = 0

        /// Ends the indexer's gathering (at once, or as soon as it starts one): the waiter to resume.
        mutating func endGathering() -> CheckedContinuation<Void, Never>? {
            urgent = true
            return urgentWaiter.take()
        }
    }

    /// The index file of the database at `databasePath`.
    static func path(forDatabase databasePath: String) -> String { databasePath + "-search" }

    /// Opens (or creates) the index file. A damaged file is replaced by an empty one (everything
    /// in it can be read again from the database); a file of another version is made anew.
    init(databasePath: String, gather: Duration, logger: Logger) throws {
        path = Self.path(forDatabase: databasePath)
        gatherDelay = gather
        self.logger = logger
        do {
            queue = try Self.openFile(path)
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            // Only a damaged file is replaced; other failures (busy, I/O, permissions) stop the start.
            logger.warning("message search index unreadable; making a new one", metadata: ["file": "\(path)", "error": "\(error)"])
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            queue = try Self.openFile(path)
        }
        // Last: an init that threw would leave its thread running.
        thread = StoreThread()
        state = Mutex(State())
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    private static func openFile(_ path: String) throws -> DatabaseQueue {
        try DatabaseFiles.prepare(path: path)
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // The index is derived: a power cut may cost its last rounds, which are read again.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let queue = try DatabaseQueue(path: path, configuration: config)
        // WAL: searches read the file (attached to the database's readers) while it is written.
        try queue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if version != Self.version { try createSchema(db) }
            _ = try Row.fetchOne(db, sql: "SELECT owner, through_message, through_change, message_at, change_message FROM index_state")
        }
        return queue
    }

    /// A new, empty index (over whatever an older or unknown version left).
    private static func createSchema(_ db: Database) throws {
        try db.inTransaction {
            try db.execute(sql: """
                DROP TABLE IF EXISTS message_fts;
                DROP TABLE IF EXISTS index_state;
                CREATE VIRTUAL TABLE message_fts USING fts5(body, tokenize = 'unicode61', prefix = '2 3');
                CREATE TABLE index_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    owner TEXT NOT NULL,
                    through_message INTEGER NOT NULL,
                    through_change INTEGER NOT NULL,
                    message_at TEXT,           -- created_at of message through_message, as read
                    change_message INTEGER     -- message_id of change through_change, as read
                );
                PRAGMA user_version = \(Self.version);
                """)
            return .commit
        }
    }

    /// How the database's reader connections see the index: attached read-only under `schema`.
    static func attach(_ db: Database, path: String) throws {
        try db.execute(sql: "ATTACH DATABASE ? AS \(schema)", arguments: [path])
    }

    /// Where the database stands, read in `db`'s transaction: its last message id and last body
    /// change. A search waits until the index covers this.
    static func heads(_ db: SQLDB) throws -> Progress {
        let row = try db.fetchOne("""
            SELECT (SELECT COALESCE(MAX(id), 0) FROM messages) AS message,
                   (SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'message_search_changes') AS change
            """)
        return Progress(message: row?["message"] ?? 0, change: row?["change"] ?? 0)
    }

    /// Whether the index has read at least as far as `target`.
    public func covers(_ target: Progress) -> Bool {
        state.withLock { $0.done.covers(target) }
    }

    /// Whether a search should wait for the index to reach `target`: not while its rounds fail
    /// or while it is rebuilding (too far behind to catch up in a search's wait).
    func worthWaiting(for target: Progress) -> Bool {
        state.withLock { !$0.failing && !$0.closed && target.message - $0.done.message <= Self.waitLimit }
    }

    /// Whether to log that a search found the index behind now (once a minute at most).
    func shouldLogBehind() -> Bool {
        state.withLock { s in
            let now = ContinuousClock.now
            guard s.lastBehindLog.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
            s.lastBehindLog = now
            return true
        }
    }

    /// Waits until the index covers `target` or `timeout` passes; returns whether it does.
    public func waitFor(_ target: Progress, timeout: Duration) async -> Bool {
        if covers(target) { return true }
        poke()
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.reached(target); return true }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            _ = await group.next()
            group.cancelAll()
        }
        return covers(target)
    }

    /// Returns once the index covers `target`, or when the waiting task is cancelled.
    private func reached(_ target: Progress) async {
        let id = state.withLock { s -> Int in
            s.nextWaiter += 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.done.covers(target) || s.closed || Task.isCancelled { return true }
                    s.waiters[id] = (target, cont)
                    return false
                }
                if now { cont.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume.resume()
        }
    }

    /// Records a finished round and wakes the searches it lets go on.
    func advance(to done: Progress) {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.done = done
            let ids = s.waiters.filter { done.covers($0.value.target) }.map(\.key)
            return ids.compactMap { s.waiters.removeValue(forKey: $0)?.resume }
        }
        for cont in ready { cont.resume() }
    }

    /// Asks the indexer to read what was committed since its last round, now (a search waits).
    public func poke() {
        state.withLock { $0.endGathering() }?.resume()
        wake.yield()
    }

    /// Commits that end the gathering early: under a steady stream of posts a round stays small
    /// (a search may wait for the round under way and its own), as it was without gathering.
    public static let gatherCommits = 8

    /// A commit: the indexer reads it within `gatherDelay`, with what else is committed meanwhile,
    /// or as soon as `gatherCommits` commits wait.
    public func noteCommit() {
        state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.gathered += 1
            return s.gathered >= Self.gatherCommits ? s.endGathering() : nil
        }?.resume()
        wake.yield()
    }

    /// The indexer, woken by a commit: waits `gatherDelay` for more, until `gatherCommits` commits
    /// wait, or until a search pokes it.
    func gather() async {
        let current = state.withLock { s in
            s.gathering &+= 1
            return s.gathering
        }
        let timer = thread.after(gatherDelay) { [weak self] in
            self?.state.withLock { s in s.gathering == current ? s.endGathering() : nil }?.resume()
        }
        await urgentPoke()
        timer.cancel()
        state.withLock { s in
            s.urgent = false
            s.gathered = 0
        }
    }

    /// Returns at the next `poke` (at once when one came since the last round), or when cancelled.
    private func urgentPoke() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.urgent || s.closed || Task.isCancelled { return true }
                    s.urgentWaiter = cont
                    return false
                }
                if now { cont.resume() }
            }
        } onCancel: {
            state.withLock { $0.urgentWaiter.take() }?.resume()
        }
    }

    /// Stops the indexer after its current round (what is left is read at the next start); the
    /// searches waiting for it go on with what it has.
    func close() {
        let waiting = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.closed = true
            defer { s.waiters.removeAll() }
            return s.waiters.values.map(\.resume) + (s.urgentWaiter.take().map { [$0] } ?? [])
        }
        wake.finish()
        for cont in waiting { cont.resume() }
    }

    var isClosed: Bool { state.withLock { $0.closed } }
}
