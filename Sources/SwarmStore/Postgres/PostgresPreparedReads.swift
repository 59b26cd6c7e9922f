import Logging
import NIOCore
import PostgresNIO

/// One-statement reads that PostgreSQL keeps prepared on each connection: parsed, analysed and
/// planned the first time a connection runs one, then only bound and executed.
///
/// Why: every other statement goes out unnamed (Parse, Bind, Execute), so PostgreSQL plans it
/// again each time. For the token check that runs once per `hello`, a join with two subqueries,
/// the planning was most of its cost: `pgbench` on that statement against a store's schema did
/// 3,785 statements/s unnamed and 8,582/s prepared, on this project's 2-core box.
///
/// Only texts named here are prepared (a fixed set, so each connection holds a handful of plans);
/// everything else runs as before. PostgresNIO prepares each on first use per connection, and
/// again on a new connection. A prepared statement PostgreSQL refuses (a column it reads changed
/// type under it) costs its connection and goes once more unnamed (`readStatement`).
///
/// Named statements live on one server connection: a pooler between swarmd and PostgreSQL must
/// keep them (PgBouncer in session mode, or 1.21+ with `max_prepared_statements`).
enum PostgresPreparedReads {
    typealias Run = @Sendable (PostgresConnection, PostgresBindings, Logger) async throws -> [PostgresRow]

    /// The prepared way to run `sql` (the store's text, `?` placeholders), or nil.
    static func run(for sql: String) -> Run? {
        byText[sql]
    }

    private static let byText: [String: Run] = [
        TokenReads.sessionStart: run(SessionStart.self),
        TokenReads.principal: run(Principal.self),
        TokenReads.live: run(TokenLive.self),
    ]

    private static func run<Text: PreparedText>(_: Text.Type) -> Run {
        { connection, binds, logger in
            var rows: [PostgresRow] = []
            for try await row in try await connection.execute(PreparedRead<Text>(binds: binds), logger: logger) {
                rows.append(row)
            }
            return rows
        }
    }

    // The statements: a name unique on a connection, and the text numbered once.
    // The binds' types are set, not taken from a connection's first binds: a later caller that
    // bound another type to the same text would have its bytes read as the first one's.
    private enum SessionStart: PreparedText {
        static let name = "swarm_token_session_start"
        static let sql = PostgresPlaceholders.numbered(TokenReads.sessionStart)
        static let types: [PostgresDataType] = [.bytea]
    }

    private enum Principal: PreparedText {
        static let name = "swarm_token_principal"
        static let sql = PostgresPlaceholders.numbered(TokenReads.principal)
        static let types: [PostgresDataType] = [.bytea]
    }

    private enum TokenLive: PreparedText {
        static let name = "swarm_token_live"
        static let sql = PostgresPlaceholders.numbered(TokenReads.live)
        static let types: [PostgresDataType] = [.int8]
    }
}

/// A statement's name, its PostgreSQL text and its binds' types.
private protocol PreparedText: SendableMetatype {
    static var name: String { get }
    static var sql: String { get }
    static var types: [PostgresDataType] { get }
}

/// PostgresNIO's prepared statements are types (their name and text are static); one generic type
/// serves every text, the binds are the store's, and rows are handed on as they came.
private struct PreparedRead<Text: PreparedText>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { Text.name }
    static var sql: String { Text.sql }
    static var bindingDataTypes: [PostgresDataType] { Text.types }

    let binds: PostgresBindings

    func makeBindings() throws -> PostgresBindings { binds }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
