import Foundation
import Logging
import Synchronization
import SwarmCore

/// Runs write jobs in shared transactions ("group commit"): while one batch commits, new jobs
/// queue up and go together in the next, so many concurrent posts share one fsync. Each job runs
/// in its own savepoint, so one failing job does not undo the others. A job's caller resumes only
/// after its batch has committed and its events have been handed to `onCommit` (the fan-out), so
/// nothing is acknowledged or delivered before it is durable.
public final class GroupCommitter: Sendable {
    public struct BatchInfo: Sendable {
        public var jobs: Int
        public var events: [LoggedEvent]
        public var seconds: Double
    }

    final class Job: @unchecked Sendable {
        // Touched only on the writer queue, then read after commit: no concurrent access.
        let execute: (WriteTx) throws -> Void
        let finish: (Error?) -> Void
        init(execute: @escaping (WriteTx) throws -> Void, finish: @escaping (Error?) -> Void) {
            self.execute = execute
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
        var onCommit: (@Sendable (BatchInfo) -> Void)?
    }

    let backend: any SQLBackend
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

    init(backend: any SQLBackend, maxBatch: Int, startSeq: Int64, logger: Logger) {
        self.backend = backend
        self.maxBatch = max(1, maxBatch)
        self.logger = logger
        self.health = StorageHealth(logger: logger)
        self.state = Mutex(State(lastSeq: startSeq))
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Where committed events go. Set once by the server before it accepts connections.
    public func setOnCommit(_ handler: @escaping @Sendable (BatchInfo) -> Void) {
        state.withLock { $0.onCommit = handler }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (WriteTx) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, Error>) in
            let box = Box<T>()
            let job = Job(execute: { tx in box.value = try body(tx) }) { error in
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
        let lastSeq = state.withLock { $0.lastSeq }
        let started = ContinuousClock.now
        let read: LogTail.Read
        do {
            read = try await backend.read { db in try LogTail.read(db, after: lastSeq, limit: 10_000) }
        } catch {
            logger.warning("reading the event log tail failed", metadata: ["error": "\(error)", "after": "\(lastSeq)"])
            return
        }
        guard let through = read.through else { return }
        let handler = state.withLock { s -> (@Sendable (BatchInfo) -> Void)? in
            s.lastSeq = max(s.lastSeq, through)
            // A full page: more may follow; look again without waiting for the next wake-up.
            if read.events.count >= 10_000 { s.tailWanted = true; wake.yield() }
            return s.onCommit
        }
        if !read.events.isEmpty {
            handler?(BatchInfo(jobs: 0, events: read.events, seconds: (ContinuousClock.now - started).seconds))
        }
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
            (outcomes, events, foreignThrough) = try await backend.write { db in
                var head: Int64?
                if db.dialect == .postgres {
                    // Appends of all nodes take turns on the log head from here to the commit, and
                    // the read below then sees every event committed before ours.
                    head = try db.fetchOne(Int64.self, "SELECT seq FROM event_head WHERE id = 1 FOR UPDATE")
                    guard head != nil else { throw SQLUnavailable("event log head missing") }
                }
                // Events another process appended since our last batch come first, in log order.
                let foreign = try LogTail.read(db, after: lastSeq)
                let tx = WriteTx(db: db, encoder: JSONCoding.encoder())
                tx.logHead = head
                tx.queueRules = self.queueRules.withLock { $0 }
                tx.events = foreign.events
                var outcomes = [Error?](repeating: nil, count: batch.count)
                for (i, job) in batch.enumerated() {
                    let mark = tx.events.count
                    let headMark = tx.logHead
                    tx.reportCases.removeAll()
                    do {
                        try db.inSavepoint {
                            try job.execute(tx)
                            try ReportRollups.refresh(db, cases: tx.reportCases)
                        }
                    } catch where StorageHealth.isStorageFailure(error) {
                        // SQLite may have rolled back the whole transaction: running the next
                        // jobs would commit them one by one outside it. The batch fails as one.
                        throw error
                    } catch {
                        outcomes[i] = error
                        tx.events.removeSubrange(mark...)
                        tx.logHead = headMark
                    }
                }
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
        let handler = state.withLock { s -> (@Sendable (BatchInfo) -> Void)? in
            // A foreign case event whose case is gone is read but not published: still past it.
            s.lastSeq = max(s.lastSeq, events.last?.seq ?? 0, foreignThrough ?? 0)
            return s.onCommit
        }
        handler?(BatchInfo(jobs: batch.count, events: events, seconds: seconds))
        for (job, error) in zip(batch, outcomes) { job.finish(error) }
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
