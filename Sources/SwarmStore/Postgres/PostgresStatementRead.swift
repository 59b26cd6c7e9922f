import Dispatch
import NIOCore
import PostgresNIO

/// A read of one statement on PostgreSQL, with no thread waiting for its answer.
///
/// Why: the store's bodies are synchronous, so a transaction runs on its connection's queue and
/// blocks that thread on each answer: every statement costs two thread hand-offs (caller → queue,
/// connection's event loop → queue) besides the round trip. A login's one read (`authenticate`)
/// paid them on every `hello`. A body of one statement does not need a thread to wait: it runs
/// twice. The first pass stops at its statement and records it (`OneStatement`); the statement
/// goes out from the caller's task and its answer is awaited; the second pass reads that answer.
/// Outside any transaction (autocommit) the statement sees one snapshot by itself, as a
/// transaction would give it, so BEGIN and COMMIT are not sent either.
extension PostgresBackend {
    public func readStatement<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        let recorder = OneStatement(answer: nil)
        let first = Result { try body(SQLDB(recorder)) }
        // A body that ran no statement has its value already.
        guard let statement = recorder.statement else { return try first.get() }

        let slot = await acquire()
        defer { release(slot) }
        let prepared = PostgresPreparedReads.run(for: statement.sql)
        var answer = try await answer(statement, prepared, slot)
        if prepared != nil, case .failure(let error) = answer, !(error is SQLUnavailable) {
            // PostgreSQL refused the prepared statement (a newer node's migration changed the type
            // of a column it reads: "cached plan must not change result type"; or its preparation
            // failed, which PostgresNIO keeps for the connection). Its connection was dropped; the
            // statement goes once more, unnamed, on a new one, and reads the schema as it is now.
            answer = try await self.answer(statement, nil, slot)
        }
        // The body sees its statement's failure where it ran it, as on the other paths (it may
        // handle it); what it makes of it is the read's outcome.
        let replay = OneStatement(answer: (statement.sql, statement.arguments, answer))
        return try body(SQLDB(replay))
    }

    /// The statement's rows or its failure; on a failure that leaves the connection out of step
    /// (no answer in time, a lost connection, a failed prepared statement) the connection is
    /// dropped. Only opening a connection throws.
    private func answer(_ statement: (sql: String, arguments: SQLArguments), _ prepared: PostgresPreparedReads.Run?,
                        _ slot: PostgresSlot) async throws -> Result<[PostgresRow], any Error> {
        let connection = try await readyConnection(slot)
        let deadline = PostgresDeadline.transaction(timeouts).next()
        do {
            return .success(try await rows(of: statement, prepared, on: connection, until: deadline))
        } catch let error as PSQLError {
            let translated = PostgresExecutor.translate(error, sql: statement.sql)
            if translated is SQLUnavailable || prepared != nil { try? await onQueue(of: slot) { self.drop(slot) } }
            return .failure(translated)
        } catch {
            // Not answered in time (or the connection failed under it): its answers are out of
            // step with what was sent.
            try? await onQueue(of: slot) { self.drop(slot) }
            return .failure(error)
        }
    }

    /// The statement's rows, prepared when it is one of `PostgresPreparedReads`, else unnamed;
    /// either way no later than `deadline`.
    private func rows(of statement: (sql: String, arguments: SQLArguments), _ prepared: PostgresPreparedReads.Run?,
                      on connection: PostgresConnection, until deadline: DispatchTime?) async throws -> [PostgresRow] {
        let what = "\(statement.sql.prefix(80))"
        guard let prepared else {
            let query = PostgresExecutor.statement(statement.sql, statement.arguments)
            return try await connection.query(query, logger: logger).get(until: deadline, what).rows
        }
        let promise = connection.eventLoop.makePromise(of: [PostgresRow].self)
        let (binds, logger) = (PostgresExecutor.binds(statement.arguments), logger)
        promise.completeWithTask {
            // Started late (the deadline passed and the connection was dropped): a statement
            // written to a closed connection is never answered, and this task would wait forever.
            guard !connection.isClosed else { throw SQLUnavailable("PostgreSQL connection closed before the statement went out") }
            return try await prepared(connection, binds, logger)
        }
        return try await promise.futureResult.get(until: deadline, what)
    }

    /// The slot's connection with nothing left to check on it: the last read's COMMIT is awaited
    /// here (answered long ago as a rule). Opening a connection blocks, so it is done on the
    /// slot's queue, as for a transaction (`executor(_:)`).
    private func readyConnection(_ slot: PostgresSlot) async throws -> PostgresConnection {
        if let pending = slot.pendingCommit {
            slot.pendingCommit = nil
            let answer: Result<PostgresQueryResult, any Error>
            do {
                answer = .success(try await pending.get(until: .now() + .milliseconds(timeouts.statementMilliseconds), "COMMIT"))
            } catch {
                answer = .failure(error)
            }
            if !commitInStep(answer, slot) { try? await onQueue(of: slot) { self.drop(slot) } }
        }
        if let c = slot.connection, !c.isClosed { return c }
        return try await onQueue(of: slot) { try self.executor(slot).connection }
    }
}

/// The executor of `readStatement`'s two passes: without an answer it records the body's
/// statement and stops the body there (`Recorded`); with one it gives that answer (rows or the
/// statement's failure) to the same statement with the same arguments. Anything else is refused:
/// a second statement would see another snapshot than the first, and a write (`execute`) would
/// commit on its own, outside any transaction.
final class OneStatement: SQLExecutor {
    struct Recorded: Error {}
    struct NotOneStatement: Error, CustomStringConvertible {
        var description: String
    }
    typealias Answer = (sql: String, arguments: SQLArguments, result: Result<[PostgresRow], any Error>)

    private let answer: Answer?
    private(set) var statement: (sql: String, arguments: SQLArguments)?
    private var answered = false

    init(answer: Answer?) {
        self.answer = answer
    }

    var dialect: SQLDialect { .postgres }

    func query(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Bool) throws {
        try PostgresExecutor.rows(of: try take(sql, arguments), body)
    }

    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        throw NotOneStatement(description: "a one-statement read ran a write: \(sql.prefix(80))")
    }

    func lastInsertedRowID() throws -> Int64 {
        throw NotOneStatement(description: "a one-statement read asked for an inserted row's id")
    }

    func savepoint(_ body: () throws -> Void) throws {
        throw NotOneStatement(description: "a one-statement read asked for a savepoint")
    }

    private func take(_ sql: String, _ arguments: SQLArguments) throws -> [PostgresRow] {
        guard let answer else {
            guard statement == nil else { throw NotOneStatement(description: "a one-statement read ran a second statement: \(sql.prefix(80))") }
            statement = (sql, arguments)
            throw Recorded()
        }
        guard !answered, sql == answer.sql, arguments.values == answer.arguments.values else {
            throw NotOneStatement(description: "a one-statement read ran another statement than the first time: \(sql.prefix(80))")
        }
        answered = true
        return try answer.result.get()
    }
}
