import Foundation
import Logging
import Synchronization
import SwarmCore
import SwarmProtocol

/// Runs write jobs in shared transactions ("group commit"): while one batch commits, new jobs
/// queue up and go together in the next (a batch takes everything queued, up to `maxBatch`), so
/// many concurrent posts share one fsync. Each job runs in its own savepoint, so one failing job
/// does not undo the others; "checked" jobs (`write(checked:)`) that sit next to each other share
/// one savepoint instead (see there). A job's caller resumes only after its batch has committed
/// and its events have been handed to `onCommit` (the fan-out), so nothing is acknowledged or
/// delivered before it is durable. What `onCommit` hands back runs after the batch's callers
/// were resumed (the server starts its delivery rounds there: see `Hub.publish(_:deferring:)`).
public final class GroupCommitter: Sendable {
    public struct BatchInfo: Sendable {
        public var jobs: Int
        public var events: [LoggedEvent]
        public var seconds: Double
    }

    /// Handed each batch's (or tail's) events; what it returns runs once the batch's callers
    /// were resumed.
    public typealias OnCommit = @Sendable (BatchInfo) -> (@Sendable () -> Void)?

    /// What a job's first stage hands back: its writes.
    typealias Apply = (WriteTx) throws -> Void

    final class Job: @unchecked Sendable {
        // Touched only on the writer queue, then read after commit: no concurrent access.
        /// Runs the job's reads and checks and returns its writes (for an unchecked job, everything
        /// runs in `check` and the writes are empty).
        let check: (WriteTx) throws -> Apply
        /// A checked job: `check` writes nothing of its own and refuses only with a `SwarmError`
        /// (on PostgreSQL it may send its optimistic neighbours' rows first: `WriteTx.pendingPosts`).
        let checked: Bool
        let finish: (Error?) -> Void
        init(checked: Bool, check: @escaping (WriteTx) throws -> Apply, finish: @escaping (Error?) -> Void) {
            self.checked = checked
            self.check = check
            self.finish = finish
        }
    }

    final class Box<T>: @unchecked Sendable { var value: T? }

    struct State {
        var pending: [Job] = []
        var closed = false
        var lastSeq: Int64 = 0
        /// `poke()` asked for a look at the log; a write batch's own read of it answers that too.
        var tailWanted = false
        /// SQLite: the writer connection's `othersChangeCounter` when a look at the log last read
        /// all there was; while it stays the same no other process committed, and a look is skipped.
        var othersChangeCounterRead: Int64?
        var onCommit: OnCommit?
        /// Told after each batch or tail that handed events on (the message search indexer).
        var afterCommit: (@Sendable () -> Void)?
    }

    let backend: any SQLBackend
    /// Where the writer loop runs when the backend can write on it (SQLite); nil: the shared pool.
    let thread: StoreThread?

    /// The backend's blocking writer, when the caller runs on the committer's thread (the only
    /// place its blocking calls may run); nil otherwise, and for PostgreSQL.
    private var blockingWriterHere: BlockingSQLWriter? {
        thread?.isCurrent == true ? backend as? BlockingSQLWriter : nil
    }

    let maxBatch: Int
    let logger: Logger
    /// Learns from each batch whether the disk takes writes; maps storage failures to `unavailable`.
    public let health: StorageHealth
    /// The triage score's rules, handed to every write transaction (set by `SQLiteStore.configureQueue`).
    let queueRules = Mutex(QueueRules())
    let state: Mutex<State>
    let wake: AsyncStream<Void>.Continuation
    let wakeups: AsyncStream<Void>
    /// PostgreSQL: NOTIFY `LogNotify.channel` in each batch that appends events. On unless the
    /// server's `cluster.notify` is false, so `swarmd admin`'s changes wake the nodes too.
    let notifyOnCommit = Atomic<Bool>(true)
    /// Jobs run again alone because their shared savepoint failed (`run(_:in:)`), since start: on
    /// PostgreSQL, what refused optimistic posts cost their neighbours.
    public let reruns = Atomic<Int>(0)

    init(backend: any SQLBackend, maxBatch: Int, startSeq: Int64, logger: Logger) {
        self.backend = backend
        self.thread = backend is BlockingSQLWriter ? StoreThread() : nil
        self.maxBatch = max(1, maxBatch)
        self.logger = logger
        self.health = StorageHealth(logger: logger)
        self.state = Mutex(State(lastSeq: startSeq))
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Where committed events go. Set once by the server before it accepts connections.
    public func setOnCommit(_ handler: @escaping OnCommit) {
        state.withLock { $0.onCommit = handler }
    }

    /// Called after each batch or tail that handed events on (set by the store at open).
    func setAfterCommit(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.afterCommit = handler }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (WriteTx) throws -> T) async throws -> T {
        try await enqueue(checked: false) { box in
            { tx in
                box.value = try body(tx)
                return { _ in }
            }
        }
    }

    /// A job in two stages, for the hot writes (`message.post`): `check` only reads, and refuses by
    /// throwing a `SwarmError` before anything is written; the closure it returns does the writes,
    /// which fail only when the database does. Consecutive checked jobs in a batch then share one
    /// savepoint instead of one each (SAVEPOINT and RELEASE per job were ~11 % of the writer's
    /// time): a refusal needs nothing undone, and any other failure rolls the shared savepoint
    /// back and runs those jobs again, each in its own savepoint, so one job's failure still
    /// fails only that job. Both stages may therefore run twice: they must touch nothing but `tx`.
    public func write<T: Sendable>(checked check: @escaping @Sendable (WriteTx) throws -> (WriteTx) throws -> T) async throws -> T {
        try await enqueue(checked: true) { box in
            { tx in
                let apply = try check(tx)
                return { tx in box.value = try apply(tx) }
            }
        }
    }

    private func enqueue<T: Sendable>(checked: Bool, _ make: (Box<T>) -> (WriteTx) throws -> Apply) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, Error>) in
            let box = Box<T>()
            let job = Job(checked: checked, check: make(box)) { error in
                if let error { cont.resume(throwing: error) } else { cont.resume(returning: box.value!) }
            }
            let accepted = state.withLock { s -> Bool in
                if s.closed { return false }
                s.pending.append(job)
                return true
            }
            if accepted { wake.yield() } else { cont.resume(throwing: StoreClosed()) }
        }
    }

    /// Whether batches that append events NOTIFY the other nodes (PostgreSQL only; see `LogNotify`).
    public func setNotifyOnCommit(_ on: Bool) {
        notifyOnCommit.store(on, ordering: .relaxed)
    }

    /// Asks the loop to look for events written by another process (another node, `swarmd admin`).
    /// With no write queued this is a read transaction: an idle node never takes the write lock.
    public func poke() {
        state.withLock { $0.tailWanted = true }
        wake.yield()
    }

    func close() {
        state.withLock { $0.closed = true }
        wake.finish()
    }

    /// The single writer loop. Returns when `close()` was called and the queue is drained.
    func run() async {
        for await _ in wakeups {
            while await runOneBatch() {}
            // After the writes: a batch reads the log first, so often nothing is left to tail.
            if state.withLock({ s in defer { s.tailWanted = false }; return s.tailWanted }) { await tail() }
        }
        while await runOneBatch() {}
    }

    /// Hands the events other processes appended since `lastSeq` to the fan-out, read in a read
    /// transaction. Runs on the writer loop only, so it and the batches advance `lastSeq` in turn:
    /// each event is handed over once, in seq order, none skipped.
    private func tail() async {
        // SQLite: whether another connection committed since the last complete look, from the
        // writer's connection on this thread. An idle poll (`cluster.poll_ms`, 4 a second by
        // default) is then one pragma here instead of a read transaction on the readers' pool,
        // with its hops between threads (most of an idle server's CPU).
        let counter: Int64?
        if let blocking = blockingWriterHere, let now = try? blocking.othersChangeCounter() {
            guard state.withLock({ $0.othersChangeCounterRead }) != now else { return }
            counter = now
        } else {
            counter = nil
        }
        let lastSeq = state.withLock { $0.lastSeq }
        let started = ContinuousClock.now
        let read: LogTail.Read
        do {
            read = try await backend.read { db in try LogTail.read(db, after: lastSeq, limit: 10_000) }
        } catch {
            logger.warning("reading the event log tail failed", metadata: ["error": "\(error)", "after": "\(lastSeq)"])
            return
        }
        // The read began after the counter was taken, so it saw every commit the counter counts;
        // a full page did not read all of them.
        if !read.full, let counter { state.withLock { $0.othersChangeCounterRead = counter } }
        guard let through = read.through else { return }
        let (handler, after) = state.withLock { s in
            s.lastSeq = max(s.lastSeq, through)
            // A full page: more may follow; look again without waiting for the next wake-up.
            if read.full { s.tailWanted = true; wake.yield() }
            return (s.onCommit, s.afterCommit)
        }
        if !read.events.isEmpty {
            let resumed = handler?(BatchInfo(jobs: 0, events: read.events, seconds: (ContinuousClock.now - started).seconds))
            after?()
            resumed?()
        }
    }

    /// Runs a batch's jobs in the open transaction and returns each job's failure. Unchecked jobs
    /// run in a savepoint each; a run of consecutive checked jobs shares one (see `write(checked:)`).
    /// Throws (the batch fails as one) when the storage fails: SQLite may have rolled back the whole
    /// transaction, and running the next jobs would commit them one by one outside it.
    static func run(_ batch: [Job], in tx: WriteTx) throws -> [Error?] {
        let db = tx.db
        var outcomes = [Error?](repeating: nil, count: batch.count)
        func rollingBack(_ body: () throws -> Void) throws -> Error? {
            let mark = tx.events.count
            let headMark = tx.logHead
            do {
                try db.inSavepoint(body)
                return nil
            } catch where StorageHealth.isStorageFailure(error) {
                throw error
            } catch {
                tx.events.removeSubrange(mark...)
                tx.logHead = headMark
                // Rows of the rolled-back posts not sent yet must never be.
                tx.pendingPosts = PendingPostRows()
                return error
            }
        }
        func runAlone(_ i: Int) throws {
            tx.reportCases.removeAll()
            outcomes[i] = try rollingBack {
                try batch[i].check(tx)(tx)
                try ReportRollups.refresh(db, cases: tx.reportCases)
            }
        }
        var start = 0
        while start < batch.count {
            guard batch[start].checked else {
                try runAlone(start)
                start += 1
                continue
            }
            var end = start + 1
            while end < batch.count, batch[end].checked { end += 1 }
            // Only the shared savepoint's jobs may be optimistic: a failure there runs them alone.
            tx.optimistic = db.dialect == .postgres
            tx.messageIds = []
            tx.messageIdsWanted = end - start
            defer { tx.optimistic = false }
            let shared = try rollingBack {
                for i in start..<end {
                    tx.reportCases.removeAll()
                    let apply: Apply
                    do {
                        apply = try batch[i].check(tx)
                    } catch let refusal as SwarmError where !db.aborted {
                        // Refused before writing anything: nothing to undo, the others go on. (A
                        // failed statement's error leaves the transaction aborted: the group rolls back.)
                        outcomes[i] = refusal
                        continue
                    }
                    try apply(tx)
                    try ReportRollups.refresh(db, cases: tx.reportCases)
                }
                // Before the savepoint ends (and its statements' answers are checked).
                if !tx.pendingPosts.isEmpty { try tx.pendingPosts.flush(db) }
            }
            if shared != nil {
                // Something failed that was not a refusal (or an optimistic job's condition did
                // not hold): the shared savepoint is rolled back; each job runs again on its own,
                // waiting for its reads, so the failure lands on its own job only.
                tx.optimistic = false
                tx.reruns += end - start
                for i in start..<end {
                    outcomes[i] = nil
                    try runAlone(i)
                }
            }
            start = end
        }
        return outcomes
    }

    /// Returns false when there was nothing to do.
    private func runOneBatch() async -> Bool {
        let (batch, lastSeq) = state.withLock { s -> ([Job], Int64) in
            let n = min(s.pending.count, maxBatch)
            let taken = Array(s.pending.prefix(n))
            s.pending.removeFirst(n)
            if n > 0 { s.tailWanted = false }
            return (taken, s.lastSeq)
        }
        // Nothing to write: no transaction (the tail, if wanted, is a read).
        guard !batch.isEmpty else { return false }
        let started = ContinuousClock.now
        var outcomes = [Error?](repeating: nil, count: batch.count)
        var events: [LoggedEvent] = []
        var foreignThrough: Int64?
        do {
            let transaction = { @Sendable (db: SQLDB) throws -> ([Error?], [LoggedEvent], Int64?) in
                var head: Int64?
                if db.dialect == .postgres {
                    // Appends of all nodes take turns on the log head from here to the commit, and
                    // the read below then sees every event committed before ours.
                    head = try db.fetchOne(Int64.self, "SELECT seq FROM event_head WHERE id = 1 FOR UPDATE")
                    guard head != nil else { throw SQLUnavailable("event log head missing") }
                }
                // Events another process appended since our last batch come first, in log order.
                // PostgreSQL: the locked head says whether there are any (none when this node
                // wrote the last ones), which saves a round trip per batch.
                let foreign = if let head, head <= lastSeq { LogTail.Read() } else { try LogTail.read(db, after: lastSeq) }
                let tx = WriteTx(db: db, encoder: JSONCoding.encoder())
                tx.logHead = head
                tx.queueRules = self.queueRules.withLock { $0 }
                tx.events = foreign.events
                let outcomes = try Self.run(batch, in: tx)
                if tx.reruns > 0 { self.reruns.add(tx.reruns, ordering: .relaxed) }
                if let head, let moved = tx.logHead, moved != head {
                    try db.executePipelined("UPDATE event_head SET seq = ? WHERE id = 1", [moved])
                }
                if db.dialect == .postgres, tx.events.count > foreign.events.count, self.notifyOnCommit.load(ordering: .relaxed),
                   let last = tx.events.last?.seq {
                    // Delivered at COMMIT, and only if it commits: listeners never read ahead of the log.
                    try db.executePipelined("SELECT pg_notify(?, ?)", [LogNotify.channel, String(last)])
                }
                return (outcomes, tx.events, foreign.through)
            }
            // The loop runs on its thread (its task's executor preference); should that ever be
            // lost, the batch still commits, through the backend's queue.
            assert(thread == nil || thread?.isCurrent == true, "the committer's loop left its thread")
            if let blocking = blockingWriterHere {
                (outcomes, events, foreignThrough) = try blocking.writeBlocking(transaction)
            } else {
                (outcomes, events, foreignThrough) = try await backend.write(transaction)
            }
        } catch {
            // A full disk is logged once by `health` when writes start failing, not per batch.
            if !StorageHealth.isStorageFailure(error) {
                logger.error("group commit failed", metadata: ["error": "\(error)", "jobs": "\(batch.count)"])
            }
            outcomes = Array(repeating: error, count: batch.count)
            events = []
            foreignThrough = nil
        }
        outcomes = health.record(outcomes)
        let seconds = (ContinuousClock.now - started).seconds
        let (handler, after) = state.withLock { s in
            // A foreign case event whose case is gone is read but not published: still past it.
            s.lastSeq = max(s.lastSeq, events.last?.seq ?? 0, foreignThrough ?? 0)
            return (s.onCommit, s.afterCommit)
        }
        let resumed = handler?(BatchInfo(jobs: batch.count, events: events, seconds: seconds))
        if !events.isEmpty { after?() }
        for (job, error) in zip(batch, outcomes) { job.finish(error) }
        resumed?()
        return true
    }
}

public struct StoreClosed: Error {}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
