import Dispatch
import NIOCore
import Synchronization

/// How long a node waits for PostgreSQL (`storage.statement_timeout_ms`,
/// `storage.transaction_timeout_ms`). A server that stops answering without closing the socket
/// (stopped, partitioned, stuck on a lock) must turn into `unavailable` for the caller, never into
/// a request that waits forever: the store's statements wait on a connection's queue, and a queue
/// stuck behind an answer that never comes stops every request behind it.
public struct PostgresTimeouts: Sendable, Equatable {
    /// The longest wait for any one answer (and for a connection to open). Also PostgreSQL's own
    /// `statement_timeout` and `idle_in_transaction_session_timeout` on every store connection,
    /// so the server cancels a statement, or drops a session whose node went quiet inside a
    /// transaction (holding the log head's row lock), by itself.
    public var statementMilliseconds: Int
    /// The longest a whole store transaction may take, BEGIN to COMMIT.
    public var transactionMilliseconds: Int

    public init(statementMilliseconds: Int = 5000, transactionMilliseconds: Int = 15000) {
        self.statementMilliseconds = statementMilliseconds
        self.transactionMilliseconds = transactionMilliseconds
    }

    public static let standard = PostgresTimeouts()
    /// For offline work on a whole database (`swarmd admin export|import`): no request waits on
    /// it, and one table's rows may rightly take minutes; bounded all the same, by an hour.
    public static let offline = PostgresTimeouts(statementMilliseconds: 3_600_000, transactionMilliseconds: 3_600_000)
}

/// When the answers of one transaction must have come: `statement` after each wait starts, and
/// never after the transaction's end. No deadline at all for migrations and other work outside
/// store transactions (a backfill may rightly take minutes).
struct PostgresDeadline {
    let statementMilliseconds: Int?
    let transactionEnd: DispatchTime?

    static let none = PostgresDeadline(statementMilliseconds: nil, transactionEnd: nil)

    static func transaction(_ t: PostgresTimeouts) -> PostgresDeadline {
        PostgresDeadline(statementMilliseconds: t.statementMilliseconds,
                         transactionEnd: .now() + .milliseconds(t.transactionMilliseconds))
    }

    /// The deadline of an answer waited for from now on; nil when there is none.
    func next() -> DispatchTime? {
        guard let ms = statementMilliseconds else { return transactionEnd }
        let statementEnd = DispatchTime.now() + .milliseconds(ms)
        guard let transactionEnd else { return statementEnd }
        return min(statementEnd, transactionEnd)
    }
}

extension EventLoopFuture where Value: Sendable {
    /// `wait()` that gives up at `deadline` (nil: waits as long as it takes) with `SQLUnavailable`
    /// (the wire's `unavailable`, `/readyz` 503; the caller drops the connection it waited on).
    /// Runs on a connection's queue, never on an event loop.
    func wait(until deadline: DispatchTime?, _ what: @autoclosure () -> String) throws -> Value {
        guard let deadline else { return try wait() }
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Value, any Error>?>(nil)
        whenComplete { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: deadline) == .success else { throw SQLUnavailable("PostgreSQL did not answer in time: \(what())") }
        return try outcome.withLock { $0! }.get()
    }

    /// `wait(until:)` with no thread waiting: the calling task is suspended instead.
    func get(until deadline: DispatchTime?, _ what: @autoclosure () -> String) async throws -> Value {
        guard let deadline else { return try await get() }
        let promise = eventLoop.makePromise(of: Value.self)
        let late = SQLUnavailable("PostgreSQL did not answer in time: \(what())")
        let left = Int64(clamping: deadline.uptimeNanoseconds) - Int64(clamping: DispatchTime.now().uptimeNanoseconds)
        let timer = eventLoop.scheduleTask(in: .nanoseconds(max(0, left))) { promise.fail(late) }
        // Both run on the future's event loop; whichever comes second finds the promise completed.
        whenComplete { result in
            timer.cancel()
            promise.completeWith(result)
        }
        return try await promise.futureResult.get()
    }
}
