import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Where to find PostgreSQL: parsed from `postgres://user:password@host:port/database`.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    public init(url: String) throws {
        guard let c = URLComponents(string: url), ["postgres", "postgresql"].contains(c.scheme ?? ""), let host = c.host, !host.isEmpty else {
            throw SQLConfigurationError("storage.url must look like postgres://user:password@host:5432/database, not \(Self.redact(url))")
        }
        self.host = host
        self.port = c.port ?? 5432
        self.user = c.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = c.password.flatMap { $0.removingPercentEncoding }
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !path.isEmpty, !path.contains("/") else { throw SQLConfigurationError("storage.url names no database: \(Self.redact(url))") }
        self.database = path
    }

    /// The URL with its password hidden, for logs and errors.
    public var redacted: String { "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)" }

    public static func redact(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return "(unreadable URL)" }
        if c.password != nil { c.password = "***" }
        return c.string ?? "(unreadable URL)"
    }

    public var configuration: PostgresConnection.Configuration {
        var config = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        // The whole connect: TCP, the server's fork of a backend, authentication. 5 s was too
        // short for a loaded box (the fresh-clone CI's PostgreSQL run, a hundred test servers
        // connecting at once on two cores, failed one connect at 5 s); 15 s, pgbouncer's
        // server_connect_timeout, still reports a dead host promptly (a refused port fails at once).
        config.options.connectTimeout = .seconds(15)
        return config
    }

    /// A store connection's: PostgreSQL's own timeouts set at start-up (no round trip), so the
    /// server cancels a statement that runs too long and drops a session left idle inside a
    /// transaction (a node that stopped while holding the log head's row lock would otherwise
    /// stop every node's writes).
    func configuration(_ timeouts: PostgresTimeouts) -> PostgresConnection.Configuration {
        var config = configuration
        config.options.additionalStartupParameters = [
            ("statement_timeout", String(timeouts.statementMilliseconds)),
            ("idle_in_transaction_session_timeout", String(timeouts.statementMilliseconds)),
        ]
        return config
    }
}

public struct SQLConfigurationError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One connection and the serial queue its blocking calls run on. The connection is opened on
/// first use and opened again after it broke, so a restarted PostgreSQL is picked up.
final class PostgresSlot: @unchecked Sendable {
    // `connection` and `pendingCommit` are touched by one holder at a time: a reader slot's
    // holder (`acquire`, `shutdown` too) on `queue` or, in `readStatement`, between its awaits;
    // the writer slot's only on `queue`.
    let queue: DispatchQueue
    var connection: PostgresConnection?
    /// The COMMIT that ended this slot's last read-only transaction, sent and not yet checked
    /// (`PostgresExecutor.sendCommit`): checked when the slot is used next.
    var pendingCommit: EventLoopFuture<PostgresQueryResult>?
    let id: Int

    init(id: Int) {
        self.id = id
        self.queue = DispatchQueue(label: "swarm.postgres.\(id)")
    }
}

/// The PostgreSQL backend: a pool of reader connections and one writer connection (the group
/// committer is the only writer of a node; other nodes have their own).
public final class PostgresBackend: SQLBackend {
    public let location: PostgresLocation
    let logger: Logger
    let writer: PostgresSlot
    private let readers: Mutex<(idle: [PostgresSlot], waiting: [CheckedContinuation<PostgresSlot, Never>])>
    private let all: [PostgresSlot]

    /// How long any answer and any transaction may take (`PostgresTimeouts`).
    let timeouts: PostgresTimeouts

    public init(location: PostgresLocation, readers: Int, timeouts: PostgresTimeouts = .standard, logger: Logger) {
        self.location = location
        self.logger = logger
        self.timeouts = timeouts
        let slots = (0...max(1, readers)).map { PostgresSlot(id: $0) }
        self.writer = slots[0]
        self.all = slots
        self.readers = Mutex((idle: Array(slots.dropFirst()), waiting: []))
    }

    public var dialect: SQLDialect { .postgres }

    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        let slot = await acquire()
        defer { release(slot) }
        // One snapshot for the whole read, as a SQLite WAL reader has. Its COMMIT is not waited
        // for: everything it read was already answered, and a read-only transaction changes
        // nothing that a failed COMMIT could lose; its answer is checked before the slot is used
        // next (`executor(_:)`). (A read of one statement needs no transaction: `readStatement`.)
        return try await run(on: slot, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", awaitCommit: false, body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        try await run(on: writer, begin: "BEGIN", awaitCommit: true, body)
    }

    public func shutdown() async {
        // The reader slots are taken as reads take them (`readStatement` touches a connection off
        // its queue, so a drop queued beside it could race with it), and given back after: a
        // read after shutdown opens a connection again, as it always did.
        var readers: [PostgresSlot] = []
        for _ in 1..<all.count { readers.append(await acquire()) }
        for slot in [writer] + readers {
            await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
                slot.queue.async {
                    self.drop(slot)
                    cont.resume()
                }
            }
        }
        for slot in readers { release(slot) }
    }

    /// Runs statements outside any store transaction (migrations): no deadline, and PostgreSQL's
    /// `statement_timeout` lifted for the while (a backfill may rightly take minutes).
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresExecutor) throws -> T) async throws -> T {
        try await onQueue(of: writer) {
            let executor = try self.executor(self.writer)
            do {
                try executor.simple("SET statement_timeout = 0")
                let value = try body(executor)
                try executor.simple("RESET statement_timeout")
                return value
            } catch {
                // Whatever state it was left in, the next transaction gets a fresh connection.
                self.drop(self.writer)
                throw error
            }
        }
    }

    private func run<T: Sendable>(on slot: PostgresSlot, begin: String, awaitCommit: Bool,
                                  _ body: @escaping @Sendable (SQLDB) throws -> T) async throws -> T {
        try await onQueue(of: slot) { try self.transaction(slot, begin: begin, awaitCommit: awaitCommit, body) }
    }

    /// Runs `work` on the slot's queue, where its connection may be touched, and waits for it.
    func onQueue<T: Sendable>(of slot: PostgresSlot, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (cont: CheckedContinuation<T, Error>) in
            slot.queue.async { cont.resume(with: Result { try work() }) }
        }
    }

    private func transaction<T>(_ slot: PostgresSlot, begin: String, awaitCommit: Bool, _ body: (SQLDB) throws -> T) throws -> T {
        let executor = try executor(slot)
        executor.deadline = .transaction(timeouts)
        do {
            // BEGIN goes out with the first statement; its answer is checked with that one's.
            try executor.pipelineSimple(begin)
            let value = try body(SQLDB(executor))
            // A body that caught a failed statement, or one not answered in time, still gets its
            // COMMIT's answer now (ROLLBACK, or the timeout), as a write does.
            if awaitCommit || executor.aborted || executor.timedOut {
                try executor.commit()
            } else {
                slot.pendingCommit = try executor.sendCommit()
            }
            return value
        } catch {
            if error is SQLUnavailable || executor.timedOut {
                // Lost, or out of step with what was sent (an answer that did not come in time):
                // the next transaction opens a new connection.
                drop(slot)
            } else {
                try? executor.settle()
                do { try executor.simple("ROLLBACK") } catch { drop(slot) }
            }
            throw error
        }
    }

    /// The slot's connection, opened now if it has none or it closed. Runs on the slot's queue.
    func executor(_ slot: PostgresSlot) throws -> PostgresExecutor {
        if let pending = slot.pendingCommit {
            slot.pendingCommit = nil
            // Answered long ago as a rule (the slot went back to the pool after sending it), so
            // this seldom waits; bounded by one statement's time, as any answer is. A COMMIT that
            // failed or never came leaves the connection out of step: a new one is opened.
            let answer = Result { try pending.wait(until: .now() + .milliseconds(timeouts.statementMilliseconds), "COMMIT") }
            if !commitInStep(answer, slot) { drop(slot) }
        }
        if let c = slot.connection, !c.isClosed { return PostgresExecutor(c, logger: logger) }
        slot.connection = nil
        do {
            let loop = slot === writer ? Self.writerLoop.next() : PostgresConnection.defaultEventLoopGroup.any()
            let opening = PostgresConnection.connect(on: loop, configuration: location.configuration(timeouts), id: slot.id, logger: logger)
            let c: PostgresConnection
            do {
                // A server that accepts the socket but never answers the start-up (stopped,
                // overloaded) must not hold the slot's queue forever either.
                c = try opening.wait(until: .now() + .milliseconds(timeouts.statementMilliseconds), "connecting")
            } catch {
                opening.whenSuccess { late in let closing: EventLoopFuture<Void> = late.close(); _ = closing }
                throw error
            }
            slot.connection = c
            return PostgresExecutor(c, logger: logger)
        } catch {
            throw SQLUnavailable("cannot connect to \(location.redacted): \(Self.describe(error))")
        }
    }

    /// Whether the connection is still in step after a read-only transaction's COMMIT answered
    /// so (false: it failed or never came, and the connection must be opened again).
    func commitInStep(_ answer: Result<PostgresQueryResult, any Error>, _ slot: PostgresSlot) -> Bool {
        switch answer {
        case .success(let answer):
            if answer.metadata.command != "COMMIT" {
                // Only a transaction that had failed ends in ROLLBACK, and such a read waits
                // for its COMMIT (`transaction`); the connection is in step all the same.
                logger.warning("a read-only transaction ended in \(answer.metadata.command)", metadata: ["slot": "\(slot.id)"])
            }
            return true
        case .failure(let error):
            logger.warning("a read-only transaction's COMMIT failed; reconnecting",
                           metadata: ["slot": "\(slot.id)", "error": "\(Self.describe(error))"])
            return false
        }
    }

    func drop(_ slot: PostgresSlot) {
        // Waits for the close (this runs on the slot's queue): a connection let go of while its
        // channel is still active trips PostgresNIO's assertion in debug builds. Closing fails
        // the statements still in flight and closes the socket without waiting for the server,
        // but is bounded all the same.
        if let c = slot.connection { _ = try? c.close().wait(until: .now() + .milliseconds(timeouts.statementMilliseconds), "closing") }
        slot.connection = nil
        slot.pendingCommit = nil
    }

    /// The writer's connection has an event loop of its own. On the shared loops (NIO's singleton,
    /// which the WebSocket server uses too) each of its answers waited behind the sockets' frames,
    /// and the group committer waits for every one of them in turn.
    static let writerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func describe(_ error: any Error) -> String {
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            if let u = e.underlying { return "\(u)" }
            return String(describing: e.code)
        }
        return "\(error)"
    }

    func acquire() async -> PostgresSlot {
        await withCheckedContinuation { (cont: CheckedContinuation<PostgresSlot, Never>) in
            let slot = readers.withLock { s -> PostgresSlot? in
                if let slot = s.idle.popLast() { return slot }
                s.waiting.append(cont)
                return nil
            }
            if let slot { cont.resume(returning: slot) }
        }
    }

    func release(_ slot: PostgresSlot) {
        let waiter = readers.withLock { s -> CheckedContinuation<PostgresSlot, Never>? in
            if !s.waiting.isEmpty { return s.waiting.removeFirst() }
            s.idle.append(slot)
            return nil
        }
        waiter?.resume(returning: slot)
    }
}
