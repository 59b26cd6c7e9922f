import Foundation
import Logging
import PostgresNIO

/// Creating and dropping whole databases on a PostgreSQL server: for tests (one database per test
/// server) and tools that set up a fresh database.
public enum PostgresDatabases {
    /// `url` with its database replaced by `name`.
    public static func url(_ url: String, database name: String) throws -> String {
        var location = try PostgresLocation(url: url)
        location.database = name
        var c = URLComponents()
        c.scheme = "postgres"
        c.user = location.user
        c.password = location.password
        c.host = location.host
        c.port = location.port
        c.path = "/" + name
        return c.string!
    }

    /// Creates database `name` unless it exists, connecting through `url`'s database.
    public static func create(_ name: String, serverURL url: String) async throws {
        try check(name)
        try await withConnection(url) { c in
            let exists = try await c.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: Logger(label: "swarm.pg")).collect().count > 0
            if !exists {
                _ = try await c.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: Logger(label: "swarm.pg")).collect()
            }
        }
    }

    /// Drops database `name`, closing its sessions first.
    public static func drop(_ name: String, serverURL url: String) async throws {
        try check(name)
        try await withConnection(url) { c in
            _ = try await c.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"), logger: Logger(label: "swarm.pg")).collect()
        }
    }

    private static func check(_ name: String) throws {
        guard !name.isEmpty, name.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw SQLConfigurationError("database names are 1–63 letters, digits and underscores: \(name)")
        }
    }

    private static func withConnection(_ url: String, _ body: (PostgresConnection) async throws -> Void) async throws {
        let location = try PostgresLocation(url: url)
        let connection = try await PostgresConnection.connect(configuration: location.configuration, id: 0, logger: Logger(label: "swarm.pg"))
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
