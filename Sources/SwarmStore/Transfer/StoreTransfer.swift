import Foundation
import Logging

/// Copies a whole store into a freshly migrated, empty one on either backend (SQLite → PostgreSQL
/// and back), keeping every id and seq, then checks the copy table by table.
///
/// Both stores must be idle: the copy reads and writes through the backends directly, not
/// through the group committer, and a server opened on the target afterwards starts from the
/// copied log head. Each batch is its own transaction, so a failed copy leaves a partial target:
/// it is refused as not empty until it is dropped (or the file deleted) and the copy rerun.
public enum StoreTransfer {
    /// Rows read per batch (one read and one write transaction).
    static let batchRows = 500
    /// Arguments per INSERT statement: under SQLite's limit (32,766) and PostgreSQL's (65,535).
    static let maxArguments = 8_000

    /// Copies `source` into `target` and verifies; returns the per-table check (its `ok` is false
    /// on a mismatch). Throws before copying anything when the schemas differ or the target is
    /// not empty.
    public static func copy(from source: SQLiteStore, to target: SQLiteStore, logger: Logger = Logger(label: "swarm.transfer"),
                            progress: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws -> TransferReport {
        let from = try await source.backend.read { try TransferSchema.tables($0) }
        let to = try await target.backend.read { try TransferSchema.tables($0) }
        try compare(from, to, sourceName: source.backend.dialect.rawValue, targetName: target.backend.dialect.rawValue)
        let order = try TransferSchema.foreignKeyOrder(to)

        let nonEmpty = try await target.backend.read { db in
            try order.filter { try db.fetchOne("SELECT 1 FROM \(TransferSchema.quote($0)) LIMIT 1") != nil }
        }
        guard nonEmpty.isEmpty else {
            throw TransferError("the target is not empty (rows in \(nonEmpty.joined(separator: ", "))); copy only into a new, empty database")
        }

        for name in order {
            let rows = try await copyTable(from[name]!, into: to[name]!, source: source.backend, target: target.backend)
            progress(name, rows)
        }
        try await finish(target.backend, tables: to)
        return try await verify(source: source.backend, target: target.backend, tables: order)
    }

    /// Every data table on one side must be on the other, with the same columns.
    static func compare(_ a: [String: TransferTable], _ b: [String: TransferTable], sourceName: String, targetName: String) throws {
        var problems: [String] = []
        for name in Set(a.keys).union(b.keys).sorted() {
            guard let x = a[name] else { problems.append("table \(name) is only in the target (\(targetName))"); continue }
            guard let y = b[name] else { problems.append("table \(name) is only in the source (\(sourceName))"); continue }
            let onlyX = Set(x.columns).subtracting(y.columns), onlyY = Set(y.columns).subtracting(x.columns)
            if !onlyX.isEmpty { problems.append("\(name): columns only in the source: \(onlyX.sorted().joined(separator: ", "))") }
            if !onlyY.isEmpty { problems.append("\(name): columns only in the target: \(onlyY.sorted().joined(separator: ", "))") }
        }
        guard problems.isEmpty else {
            throw TransferError("the source and target schemas differ (are both on the latest migration?):\n  " + problems.joined(separator: "\n  "))
        }
    }

    /// Copies one table in key order, batch by batch; returns the rows copied.
    private static func copyTable(_ table: TransferTable, into target: TransferTable, source: any SQLBackend, target backend: any SQLBackend) async throws -> Int {
        let columns = target.columns
        let selfRefs = target.selfReferences
        // Keyset paging on the primary key; a table without one pages by offset over all columns.
        let order = (table.key.isEmpty ? columns : table.key).map(TransferSchema.quote).joined(separator: ", ")
        let select = "SELECT \(columns.map(TransferSchema.quote).joined(separator: ", ")) FROM \(TransferSchema.quote(table.name))"
        var after: [SQLValue]?
        var offset = 0
        var total = 0
        var deferred: [(key: [SQLValue], values: [SQLValue])] = []
        while true {
            let sql: String
            var args: [SQLValue] = []
            if table.key.isEmpty {
                sql = "\(select) ORDER BY \(order) LIMIT \(batchRows) OFFSET \(offset)"
            } else if let after {
                let lhs = "(" + table.key.map(TransferSchema.quote).joined(separator: ", ") + ")"
                let rhs = "(" + table.key.map { _ in "?" }.joined(separator: ", ") + ")"
                sql = "\(select) WHERE \(lhs) > \(rhs) ORDER BY \(order) LIMIT \(batchRows)"
                args = after
            } else {
                sql = "\(select) ORDER BY \(order) LIMIT \(batchRows)"
            }
            let query = sql, arguments = SQLArguments(values: args)
            let rows = try await source.read { db in try db.fetchAll(query, arguments).map(\.values) }
            if rows.isEmpty { break }
            let keyIndexes = table.key.map { k in columns.firstIndex(of: k)! }
            let selfIndexes = selfRefs.map { c in columns.firstIndex(of: c)! }
            var batch = rows
            for (i, row) in rows.enumerated() where !selfIndexes.isEmpty {
                let refs = selfIndexes.map { row[$0] }
                if refs.contains(where: { $0 != .null }) {
                    deferred.append((keyIndexes.map { row[$0] }, refs))
                    for s in selfIndexes { batch[i][s] = .null }
                }
            }
            let toWrite = batch
            try await backend.write { db in try insert(db, target, toWrite) }
            total += rows.count
            offset += rows.count
            after = keyIndexes.isEmpty ? nil : keyIndexes.map { rows.last![$0] }
            if rows.count < batchRows { break }
        }
        if !deferred.isEmpty {
            guard !target.key.isEmpty else { throw TransferError("\(table.name) references itself but has no primary key to set the references by") }
            let set = selfRefs.map { "\(TransferSchema.quote($0)) = \(placeholder(target, $0))" }.joined(separator: ", ")
            let whereKey = target.key.map { "\(TransferSchema.quote($0)) = \(placeholder(target, $0))" }.joined(separator: " AND ")
            let sql = "UPDATE \(TransferSchema.quote(target.name)) SET \(set) WHERE \(whereKey)"
            for chunk in stride(from: 0, to: deferred.count, by: batchRows).map({ Array(deferred[$0..<min($0 + batchRows, deferred.count)]) }) {
                try await backend.write { db in
                    for row in chunk { try db.execute(sql, SQLArguments(values: row.values + row.key)) }
                }
            }
        }
        return total
    }

    /// A multi-row INSERT of `rows` (values in `table.columns` order).
    private static func insert(_ db: SQLDB, _ table: TransferTable, _ rows: [[SQLValue]]) throws {
        let columns = table.columns
        let perStatement = max(1, maxArguments / max(1, columns.count))
        let tuple = "(" + columns.map { placeholder(table, $0) }.joined(separator: ", ") + ")"
        let head = "INSERT INTO \(TransferSchema.quote(table.name)) (\(columns.map(TransferSchema.quote).joined(separator: ", "))) VALUES "
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            let sql = head + Array(repeating: tuple, count: end - start).joined(separator: ", ")
            try db.execute(sql, SQLArguments(values: rows[start..<end].flatMap { $0 }))
            start = end
        }
    }

    /// `?`, cast to the column's type on PostgreSQL (arguments arrive typed by their Swift value,
    /// and SQLite's loose typing must not decide a PostgreSQL column's).
    private static func placeholder(_ table: TransferTable, _ column: String) -> String {
        guard let type = table.types[column] else { return "?" }
        return "CAST(? AS \(type))"
    }

    /// What each backend derives rather than copies: PostgreSQL's identity sequences and log head
    /// go up to the copied maxima; SQLite's KB word list is rebuilt from its FTS index (the FTS
    /// tables themselves were filled by their content tables' triggers row by row).
    private static func finish(_ backend: any SQLBackend, tables: [String: TransferTable]) async throws {
        try await backend.write { db in
            switch db.dialect {
            case .postgres:
                for table in tables.values.sorted(by: { $0.name < $1.name }) {
                    for column in table.identity {
                        let t = TransferSchema.quote(table.name), c = TransferSchema.quote(column)
                        // setval(…, 1, false) on an empty table: the next id is 1.
                        try db.execute("""
                            SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(\(c)), 1), MAX(\(c)) IS NOT NULL) FROM \(t)
                            """, [table.name, column])
                    }
                }
                try db.execute("UPDATE event_head SET seq = (\(SQLiteStore.headQuery)) WHERE id = 1")
            case .sqlite:
                try db.sqliteOnly(KBTerms.refresh)
            }
        }
    }
}
