import Foundation
import Logging
import PostgresNIO
import SwarmCore

/// Applies `PostgresSchema.migrations` in order, each in its own transaction, recorded in
/// `schema_migrations`. Nodes starting together take turns on an advisory lock, so each step
/// runs once.
enum PostgresMigrations {
    /// Any constant shared by all nodes; it names the lock, not a row.
    static let lockKey: Int64 = 7_420_013

    /// `upTo`: stop after this step (tests build a database as an older release left it).
    @discardableResult
    static func migrate(_ backend: PostgresBackend, upTo last: String? = nil) async throws -> [String] {
        let steps = last.flatMap { last in PostgresSchema.migrations.firstIndex { $0.id == last } }
            .map { Array(PostgresSchema.migrations[...$0]) } ?? PostgresSchema.migrations
        return try await backend.withConnection { executor in
            try executor.simple("SELECT pg_advisory_lock(\(lockKey))")
            defer { try? executor.simple("SELECT pg_advisory_unlock(\(lockKey))") }
            try executor.simple("CREATE TABLE IF NOT EXISTS schema_migrations (identifier TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            let db = SQLDB(executor)
            let done = Set(try db.fetchAll(String.self, "SELECT identifier FROM schema_migrations"))
            var applied: [String] = []
            for step in steps where !done.contains(step.id) {
                try executor.simple("BEGIN")
                do {
                    for statement in statements(step.sql) { try executor.simple(statement) }
                    try db.execute("INSERT INTO schema_migrations(identifier, applied_at) VALUES (?, ?)", [step.id, Timestamp.now()])
                    try executor.simple("COMMIT")
                } catch {
                    try? executor.simple("ROLLBACK")
                    throw error
                }
                applied.append(step.id)
            }
            return applied
        }
    }

    /// A script's statements: split at `;` ending a line, except inside `$$` function bodies
    /// (the driver sends one statement per message).
    static func statements(_ script: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inBody = false
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(line)
            if text.trimmingCharacters(in: .whitespaces).hasPrefix("--") { continue }
            current += text + "\n"
            if text.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody, text.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                out.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { out.append(rest) }
        return out
    }
}
