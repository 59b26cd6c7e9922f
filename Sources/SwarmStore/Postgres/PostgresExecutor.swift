import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization
import SwarmProtocol

/// Runs the store's statements on one PostgreSQL connection, blocking the calling thread (a
/// connection's own queue, never an event loop) until each answers: the store's rules run
/// synchronously inside a transaction on both backends.
///
/// Statements whose answer nobody reads (BEGIN, SAVEPOINT, RELEASE, `SQLDB.executePipelined`) are
/// sent without waiting: the connection runs them in order, and their answers are checked before
/// the next answer that is waited for, and at the end of each savepoint (so a job's failure is
/// still its own). Each wait costs two thread hand-offs besides PostgreSQL's work: a post on the
/// waiting path waits for two answers (its channel, its row); an optimistic one for none
/// (`SQLiteStore.optimisticPost`). A read-only transaction's COMMIT is not waited for either
/// (`sendCommit`): its backend checks the answer when the connection is used next.
final class PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger
    private var savepoints = 0
    /// When answers must have come (`PostgresTimeouts`); none outside store transactions.
    var deadline = PostgresDeadline.none
    /// Set once an answer did not come in time: the connection's answers are out of step with
    /// what was sent, so nothing more is waited for on it; its owner drops it.
    private(set) var timedOut = false
    /// A statement failed since the transaction began or was last rolled back to a savepoint:
    /// PostgreSQL refuses everything else until that rollback (`SQLExecutor.aborted`).
    private(set) var aborted = false
    /// Sent, not yet checked, in the order sent.
    private var inFlight: [InFlight] = []

    struct InFlight {
        var future: EventLoopFuture<PostgresQueryResult>
        var sql: String
        /// Rows the statement must change (`executePipelined(_:_:expectingRows:)`); nil: any.
        var rows: Int?
    }

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    var dialect: SQLDialect { .postgres }

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        let result = try run(sql, arguments)
        return result.metadata.rows ?? 0
    }

    func executePipelined(_ sql: String, _ arguments: SQLArguments) throws {
        inFlight.append(InFlight(future: try send(sql, arguments), sql: sql))
    }

    func executePipelined(_ sql: String, _ arguments: SQLArguments, expectingRows rows: Int) throws {
        inFlight.append(InFlight(future: try send(sql, arguments), sql: sql, rows: rows))
    }

    func query(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Bool) throws {
        try Self.rows(of: try run(sql, arguments).rows, body)
    }

    /// Hands each row of an answer to `body` until it returns false.
    static func rows(of rows: [PostgresRow], _ body: (SQLRow) throws -> Bool) throws {
        guard let first = rows.first else { return }
        let columns = SQLColumns(first.map(\.columnName))
        for row in rows {
            var values: [SQLValue] = []
            values.reserveCapacity(columns.names.count)
            for cell in row { values.append(try value(cell)) }
            guard try body(SQLRow(columns: columns, values: values)) else { return }
        }
    }

    /// The last value a sequence gave in this session: the id of the row an identity column just
    /// numbered (every table with an `id` has one; the event log numbers itself, see `LoggedEvent`).
    func lastInsertedRowID() throws -> Int64 {
        guard let row = try run("SELECT lastval()", []).rows.first, let cell = row.first(where: { _ in true }) else {
            throw SQLUnavailable("lastval() returned nothing")
        }
        return try cell.decode(Int64.self)
    }

    func savepoint(_ body: () throws -> Void) throws {
        savepoints += 1
        let name = "sp\(savepoints)"
        try pipelineSimple("SAVEPOINT \(name)")
        do {
            try body()
            // Everything the body sent must have worked before the savepoint counts as done.
            try settle()
        } catch {
            // A failed statement leaves the transaction aborted until the rollback to the savepoint.
            if !(error is SQLUnavailable) {
                try? settle()
                if (try? run("ROLLBACK TO SAVEPOINT \(name)", [], numbered: false)) != nil { aborted = false }
            }
            throw error
        }
        try pipelineSimple("RELEASE SAVEPOINT \(name)")
    }

    /// Raw statement without placeholders (BEGIN, COMMIT, DDL).
    func simple(_ sql: String) throws {
        _ = try run(sql, [], numbered: false)
    }

    /// A raw statement sent without waiting for its answer (BEGIN, SAVEPOINT, RELEASE).
    func pipelineSimple(_ sql: String) throws {
        inFlight.append(InFlight(future: try send(sql, [], numbered: false), sql: sql))
    }

    /// COMMIT, which PostgreSQL answers with ROLLBACK when the transaction had failed: a pipelined
    /// statement's failure must never pass for a commit.
    func commit() throws {
        let result = try run("COMMIT", [], numbered: false)
        guard result.metadata.command == "COMMIT" else {
            throw SQLUnavailable("PostgreSQL rolled the transaction back at COMMIT (\(result.metadata.command))")
        }
    }

    /// COMMIT sent without waiting, after every earlier answer was checked: for a read-only
    /// transaction, whose owner checks the answer when it uses the connection next.
    func sendCommit() throws -> EventLoopFuture<PostgresQueryResult> {
        try settle()
        return try send("COMMIT", [], numbered: false)
    }

    /// Waits for every statement sent and not yet checked; throws the first failure.
    func settle() throws {
        var first: (any Error)?
        let pending = inFlight
        inFlight.removeAll()
        for statement in pending {
            do {
                let changed = try answer(statement.future, statement.sql).metadata.rows ?? 0
                if let rows = statement.rows, first == nil, changed != rows {
                    first = SQLRowCountMismatch(sql: statement.sql, expected: rows, changed: changed)
                }
            } catch let error as PSQLError {
                if first == nil { first = Self.translate(error, sql: statement.sql) }
            } catch {
                if first == nil { first = error }
            }
        }
        if let first { throw first }
    }

    @discardableResult
    private func run(_ sql: String, _ arguments: SQLArguments, numbered: Bool = true) throws -> PostgresQueryResult {
        // Sent before the earlier answers are read: the connection queues it behind them.
        let future = try send(sql, arguments, numbered: numbered)
        do {
            try settle()
        } catch {
            if !timedOut { _ = try? answer(future, sql) }
            throw error
        }
        do {
            return try answer(future, sql)
        } catch let error as PSQLError {
            throw Self.translate(error, sql: sql)
        }
    }

    /// The answer to `sql`, waited for until the deadline.
    private func answer(_ future: EventLoopFuture<PostgresQueryResult>, _ sql: String) throws -> PostgresQueryResult {
        if timedOut { throw SQLUnavailable("PostgreSQL did not answer in time (an earlier statement)") }
        do {
            return try future.wait(until: deadline.next(), "\(sql.prefix(80))")
        } catch let error as SQLUnavailable {
            timedOut = true
            throw error
        } catch {
            aborted = true
            throw error
        }
    }

    private func send(_ sql: String, _ arguments: SQLArguments, numbered: Bool = true) throws -> EventLoopFuture<PostgresQueryResult> {
        return connection.query(Self.statement(sql, arguments, numbered: numbered), logger: logger)
    }

    /// The store's statement (`?` placeholders, `SQLValue`s) as PostgresNIO's.
    static func statement(_ sql: String, _ arguments: SQLArguments, numbered: Bool = true) -> PostgresQuery {
        let text = numbered ? PostgresPlaceholders.numbered(sql) : sql
        return PostgresQuery(unsafeSQL: text, binds: binds(arguments))
    }

    /// The store's values as PostgresNIO's binds.
    static func binds(_ arguments: SQLArguments) -> PostgresBindings {
        var binds = PostgresBindings(capacity: arguments.values.count)
        for value in arguments.values {
            switch value {
            case .null: binds.appendNull()
            case .int(let v): binds.append(v)
            case .double(let d): binds.append(d)
            case .text(let s): binds.append(s)
            case .blob(let b): binds.append(ByteBuffer(bytes: b))
            }
        }
        return binds
    }

    /// Constraint violations (SQLSTATE class 23) become `SQLConstraintViolation`; a lost or refused
    /// connection becomes `SQLUnavailable` (the wire's `unavailable`); anything else is kept, with
    /// the statement, for the log.
    static func translate(_ error: PSQLError, sql: String) -> any Error {
        if let state = error.serverInfo?[.sqlState] {
            if state.hasPrefix("23") { return SQLConstraintViolation(error.serverInfo?[.message] ?? state) }
            // PostgreSQL text cannot hold NUL (SQLite's can): the request's fault, not the server's.
            if state == "22021" || state == "22P05" { return SwarmError.badRequest("text must not contain NUL characters") }
            // 08 connection exception, 57P0x shutdown/crash, 53 insufficient resources; 57014 a
            // statement cancelled (`statement_timeout`), 25P03 a session cut for idling in a
            // transaction (`idle_in_transaction_session_timeout`).
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") || state == "57014" || state == "25P03" {
                return SQLUnavailable("PostgreSQL: \(error.serverInfo?[.message] ?? state)")
            }
            return SQLStatementError(state: state, message: error.serverInfo?[.message] ?? "", sql: sql)
        }
        return SQLUnavailable("PostgreSQL connection: \(String(reflecting: error.code))")
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            return .int(try cell.decode(Int64.self))
        case .float4, .float8:
            return .double(try cell.decode(Double.self))
        case .numeric:
            // SUM and AVG of integers are numeric on PostgreSQL; whole values read as integers.
            let d = try cell.decode(Decimal.self)
            let n = NSDecimalNumber(decimal: d)
            if d == Decimal(n.int64Value) { return .int(n.int64Value) }
            return .double(n.doubleValue)
        case .bool:
            return .int(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            var buffer = cell.bytes!
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .void:
            return .null
        default:
            return .text(try cell.decode(String.self))
        }
    }
}

/// `?` and `?NNN` placeholders (the store's, SQLite's) as PostgreSQL's `$N`, outside quoted text.
/// Translations are cached: the store has a few hundred distinct statements.
enum PostgresPlaceholders {
    private static let cache = Mutex<[String: String]>([:])

    static func numbered(_ sql: String) -> String {
        // Generated multi-row statements come numbered (`PendingPostRows`): nothing to translate or keep.
        if !sql.utf8.contains(UInt8(ascii: "?")) { return sql }
        if let hit = cache.withLock({ $0[sql] }) { return hit }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var quote: Character?
        var chars = Array(sql)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                out.append(c)
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                var j = i + 1
                var digits = ""
                while j < chars.count, let d = chars[j].wholeNumberValue, chars[j].isASCII { digits.append(String(d)); j += 1 }
                if digits.isEmpty {
                    out += "$\(next)"
                    next += 1
                } else {
                    out += "$" + digits
                    i = j - 1
                }
            } else {
                out.append(c)
            }
            i += 1
        }
        chars.removeAll()
        cache.withLock { $0[sql] = out }
        return out
    }
}

/// The database cannot be reached (connection refused or lost, server shutting down): not the
/// request's fault; clients get `unavailable` and `/readyz` turns 503 until it answers again.
public struct SQLUnavailable: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A statement PostgreSQL refused for another reason (a bug in the store's SQL): kept with its
/// SQLSTATE and text for the log; the wire sees `internal`.
public struct SQLStatementError: Error, CustomStringConvertible {
    public var state: String
    public var message: String
    public var sql: String
    public var description: String { "PostgreSQL \(state): \(message) in: \(sql.prefix(300))" }
}
