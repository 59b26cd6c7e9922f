import Foundation

/// One table as a copy sees it, read from the database's own catalogue (never a hand-kept list,
/// so a table added by a later migration is copied, or the copy stops naming it).
struct TransferTable: Sendable, Equatable {
    var name: String
    /// Columns a row is written with (generated columns left out: the database computes them).
    var columns: [String]
    /// PostgreSQL's type of each column (`bigint`, `text`, …), for casting arguments; empty on SQLite.
    var types: [String: String]
    /// Primary key columns in key order; empty when the table has none.
    var key: [String]
    /// Tables this one references (its foreign keys), itself excluded.
    var parents: Set<String>
    /// Columns referencing this same table (a customer merged into a later one): written NULL
    /// first and set once every row of the table is in.
    var selfReferences: [String]
    /// Columns numbered by an identity sequence (PostgreSQL), brought up to the copied maximum.
    var identity: [String]
}

/// Reads a database's tables for a copy, and says which tables are not data: migration
/// bookkeeping and structures each backend derives from the data itself.
enum TransferSchema {
    /// Not copied on either side, because each backend keeps or rebuilds them itself:
    /// - the migration records (the target is migrated by its own migrations first);
    /// - `event_head`, PostgreSQL's log head: set to the copied log's last seq after the copy;
    /// - `kb_terms`, the KB's word list derived from SQLite's FTS5 index (rebuilt from it on a
    ///   SQLite target; PostgreSQL does not keep it);
    /// - `cluster_nodes`, `cluster_presence` and `cluster_presence_gone`, PostgreSQL's live node
    ///   and session state: it describes running processes, not data, and each node writes its
    ///   own again;
    /// - `message_search_changes` and `message_search_owner`, SQLite's bookkeeping for its search
    ///   index file (`MessageSearchSchema`): a target indexes the copied messages afresh.
    static let derivedTables: Set<String> = ["grdb_migrations", "schema_migrations", "event_head", "kb_terms",
                                             "cluster_nodes", "cluster_presence", "cluster_presence_gone",
                                             "message_search_changes", "message_search_owner"]

    /// FTS5 keeps its index in shadow tables named after the virtual table.
    static let fts5ShadowSuffixes = ["_data", "_idx", "_content", "_docsize", "_config"]

    /// The data tables of the database `db` is connected to, by name.
    static func tables(_ db: SQLDB) throws -> [String: TransferTable] {
        switch db.dialect {
        case .sqlite: return try sqliteTables(db)
        case .postgres: return try postgresTables(db)
        }
    }

    /// SQLite: `sqlite_master`, without virtual tables (FTS5 indexes, filled by the triggers of
    /// their content tables as rows arrive) and their shadow tables.
    private static func sqliteTables(_ db: SQLDB) throws -> [String: TransferTable] {
        let rows = try db.fetchAll("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        let virtual = Set(rows.filter { (($0["sql"] as String?) ?? "").uppercased().hasPrefix("CREATE VIRTUAL TABLE") }.map { $0["name"] as String })
        var out: [String: TransferTable] = [:]
        for row in rows {
            let name: String = row["name"]
            if virtual.contains(name) || derivedTables.contains(name) { continue }
            if virtual.contains(where: { v in fts5ShadowSuffixes.contains { name == v + $0 } }) { continue }
            // hidden 0: ordinary columns (2 and 3 are generated ones).
            let info = try db.fetchAll("SELECT name, pk FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid", [name])
            let key = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
            let fks = try db.fetchAll("SELECT \"table\" AS parent, \"from\" AS col FROM pragma_foreign_key_list(?)", [name])
            out[name] = TransferTable(name: name, columns: info.map { $0["name"] as String }, types: [:], key: key,
                                      parents: Set(fks.map { $0["parent"] as String }).subtracting([name]),
                                      selfReferences: fks.filter { ($0["parent"] as String) == name }.map { $0["col"] as String },
                                      identity: [])
        }
        return out
    }

    /// PostgreSQL: the base tables of the current schema in `information_schema`.
    private static func postgresTables(_ db: SQLDB) throws -> [String: TransferTable] {
        let names = try db.fetchAll(String.self, """
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            """)
        var out: [String: TransferTable] = [:]
        for name in names where !derivedTables.contains(name) {
            let columns = try db.fetchAll("""
                SELECT column_name::text AS name, data_type::text AS type, is_identity::text AS identity
                FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER'
                ORDER BY ordinal_position
                """, [name])
            let key = try db.fetchAll(String.self, """
                SELECT k.column_name::text FROM information_schema.table_constraints c
                JOIN information_schema.key_column_usage k
                  ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
                WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() AND c.table_name = ?
                ORDER BY k.ordinal_position
                """, [name])
            let fks = try db.fetchAll("""
                SELECT u.table_name::text AS parent, k.column_name::text AS col FROM information_schema.table_constraints c
                JOIN information_schema.key_column_usage k
                  ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
                JOIN information_schema.constraint_column_usage u
                  ON u.constraint_name = c.constraint_name AND u.constraint_schema = c.constraint_schema
                WHERE c.constraint_type = 'FOREIGN KEY' AND c.table_schema = current_schema() AND c.table_name = ?
                """, [name])
            out[name] = TransferTable(
                name: name, columns: columns.map { $0["name"] as String },
                types: Dictionary(uniqueKeysWithValues: columns.map { ($0["name"] as String, $0["type"] as String) }),
                key: key, parents: Set(fks.map { $0["parent"] as String }).subtracting([name]),
                selfReferences: fks.filter { ($0["parent"] as String) == name }.map { $0["col"] as String },
                identity: columns.filter { ($0["identity"] as String) == "YES" }.map { $0["name"] as String })
        }
        return out
    }

    /// Tables in an order where every table comes after the tables it references; throws on a
    /// cycle between tables (self references are handled by the copy).
    static func foreignKeyOrder(_ tables: [String: TransferTable]) throws -> [String] {
        var done: [String] = []
        var placed = Set<String>()
        var left = Set(tables.keys)
        while !left.isEmpty {
            let ready = left.filter { tables[$0]!.parents.subtracting(placed).intersection(left).isEmpty }.sorted()
            guard !ready.isEmpty else { throw TransferError("foreign keys form a cycle among: \(left.sorted().joined(separator: ", "))") }
            done += ready
            placed.formUnion(ready)
            left.subtract(ready)
        }
        return done
    }

    /// Quotes an identifier the same way on both backends.
    static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A copy refused or failed: a non-empty target, schemas that differ, counts that do not match.
public struct TransferError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
