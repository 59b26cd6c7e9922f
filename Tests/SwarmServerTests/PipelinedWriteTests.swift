import Foundation
@testable import SwarmStore
import Synchronization
import Testing

/// On PostgreSQL a write whose answer nobody reads goes out without waiting, and a batch numbers
/// its events from the log head it locked (`SQLDB.executePipelined`, `WriteTx.logHead`). A failure
/// that arrives late must still fail its own job only, and leave no event and no gap in the log.
@Suite("Pipelined writes in a group commit", .hangGuard)
struct PipelinedWriteTests {
    struct Gate: Sendable {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
    }

    @Test("a pipelined write that fails fails its job alone: its event is dropped, the next job takes its seq, the head follows")
    func lateFailureIsTheJobsOwn() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let store = server.store
        let committer = store.committer
        let before = try await store.backend.read { db in try db.fetchOne(Int64.self, "SELECT COALESCE(MAX(seq), 0) FROM events") ?? 0 }

        // A job that holds the writer, so the three below queue up and run as one batch.
        let (gate, holder) = try await Self.holdWriter(committer)

        func job(_ name: String, fail: Bool) -> Task<Int64, Error> {
            Task {
                try await committer.write { tx in
                    let event = try tx.append(.messageNew, channel: nil, user: nil, ["test": name])
                    try tx.db.executePipelined("INSERT INTO meta(key, value) VALUES (?, '1')", ["pipelined-\(name)"])
                    // The same key again: refused, on PostgreSQL only when the savepoint ends.
                    if fail { try tx.db.executePipelined("INSERT INTO meta(key, value) VALUES (?, '2')", ["pipelined-\(name)"]) }
                    return event.seq
                }
            }
        }
        let first = job("a", fail: false)
        try await Self.waitFor(pending: 1, committer)
        let failing = job("b", fail: true)
        try await Self.waitFor(pending: 2, committer)
        let last = job("c", fail: false)
        try await Self.waitFor(pending: 3, committer)
        gate.release.signal()
        try await holder.value

        let seqA = try await first.value
        await #expect(throws: SQLConstraintViolation.self) { try await failing.value }
        let seqC = try await last.value
        #expect(seqA == before + 1)
        #expect(seqC == before + 2, "the failed job's seq is given to the next job")

        let (seqs, keys, head) = try await store.backend.read { db in
            (try db.fetchAll(Int64.self, "SELECT seq FROM events WHERE seq > ? ORDER BY seq", [before]),
             try db.fetchAll(String.self, "SELECT key FROM meta WHERE key LIKE 'pipelined-%' ORDER BY key"),
             db.dialect == .postgres ? try db.fetchOne(Int64.self, "SELECT seq FROM event_head WHERE id = 1") : nil)
        }
        #expect(seqs == [before + 1, before + 2])
        #expect(keys == ["pipelined-a", "pipelined-c"])
        if store.backend.dialect == .postgres { #expect(head == before + 2, "event_head is written back once per batch") }

        // The next batch continues from there.
        let next = try await job("d", fail: false).value
        #expect(next == before + 3)
    }

    /// Waits until `committer` holds `count` queued jobs (20 s at most).
    static func waitFor(pending count: Int, _ committer: GroupCommitter) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while committer.state.withLock({ $0.pending.count }) < count {
            guard ContinuousClock.now < deadline else { throw Timeout(what: "\(count) queued jobs") }
            await Task.yield()
        }
    }

    /// Starts a job that holds `committer`'s writer until `gate.release` is signalled, and returns
    /// once it holds it: jobs queued meanwhile run together as the next batch.
    static func holdWriter(_ committer: GroupCommitter) async throws -> (Gate, Task<Void, Error>) {
        let gate = Gate()
        let holder = Task {
            try await committer.write { _ in
                gate.started.signal()
                _ = gate.release.wait(timeout: .now() + 20)
            }
        }
        try await waitOff { gate.started.wait(timeout: .now() + 20) == .success }
        return (gate, holder)
    }

    /// Runs a blocking wait off the cooperative pool.
    static func waitOff(_ body: @escaping @Sendable () -> Bool) async throws {
        let ok = await withCheckedContinuation { (cont: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global().async { cont.resume(returning: body()) }
        }
        guard ok else { throw Timeout(what: "the holding job") }
    }
}
