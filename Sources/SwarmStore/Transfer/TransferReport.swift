import Foundation

/// One table's check after a copy: row counts, and for tables with an integer `id` (or the event
/// log's `seq`) the largest and the sum of those keys on each side, which catches rows copied
/// under other ids, not only missing ones.
public struct TransferCheck: Sendable, Equatable {
    public var table: String
    public var sourceRows: Int64
    public var targetRows: Int64
    /// `"max/sum"` of the key on each side, nil for tables without an integer key.
    public var sourceKey: String?
    public var targetKey: String?

    public var ok: Bool { sourceRows == targetRows && sourceKey == targetKey }
}

/// The checks of a whole copy, plus the event log head each side will continue from.
public struct TransferReport: Sendable {
    public var checks: [TransferCheck]
    public var sourceHead: Int64
    public var targetHead: Int64

    public var ok: Bool { sourceHead == targetHead && checks.allSatisfy(\.ok) }

    /// The check as a table for the terminal, one line per table, mismatches marked.
    public var text: String {
        let width = max(5, checks.map(\.table.count).max() ?? 5)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        var lines = [pad("TABLE", width) + "  " + pad("SOURCE ROWS", 12) + pad("TARGET ROWS", 12) + pad("SOURCE MAX/SUM KEY", 26) + pad("TARGET MAX/SUM KEY", 26) + "CHECK"]
        for c in checks {
            lines.append(pad(c.table, width) + "  " + pad("\(c.sourceRows)", 12) + pad("\(c.targetRows)", 12)
                         + pad(c.sourceKey ?? "-", 26) + pad(c.targetKey ?? "-", 26) + (c.ok ? "ok" : "MISMATCH"))
        }
        lines.append(pad("event log head", width) + "  " + pad("\(sourceHead)", 12) + pad("\(targetHead)", 12)
                     + pad("", 52) + (sourceHead == targetHead ? "ok" : "MISMATCH"))
        return lines.joined(separator: "\n")
    }
}

extension StoreTransfer {
    /// Counts and key sums of every copied table on both sides, and the log head each side's next
    /// append continues from (PostgreSQL's `event_head` row, SQLite's largest seq).
    static func verify(source: any SQLBackend, target: any SQLBackend, tables: [String]) async throws -> TransferReport {
        let a = try await measure(source, tables)
        let b = try await measure(target, tables)
        let checks = tables.map { t in
            TransferCheck(table: t, sourceRows: a.rows[t]!.count, targetRows: b.rows[t]!.count, sourceKey: a.rows[t]!.key, targetKey: b.rows[t]!.key)
        }
        return TransferReport(checks: checks, sourceHead: a.head, targetHead: b.head)
    }

    /// Also usable on its own: the same figures for one store (tests compare two stores with it).
    static func measure(_ backend: any SQLBackend, _ tables: [String]) async throws -> (rows: [String: (count: Int64, key: String?)], head: Int64) {
        try await backend.read { db in
            var rows: [String: (count: Int64, key: String?)] = [:]
            for t in tables {
                let q = TransferSchema.quote(t)
                let count = try db.fetchOne(Int64.self, "SELECT COUNT(*) FROM \(q)") ?? 0
                let column = t == "events" ? "seq" : "id"
                var key: String?
                if try integerColumn(db, table: t, column: column),
                   let row = try db.fetchOne("SELECT MAX(\(column)) AS mx, SUM(\(column)) AS sm FROM \(q)") {
                    let mx: Int64? = row["mx"], sm: Int64? = row["sm"]
                    key = "\(mx.map(String.init) ?? "-")/\(sm.map(String.init) ?? "-")"
                }
                rows[t] = (count, key)
            }
            let head: Int64
            switch db.dialect {
            case .postgres: head = try db.fetchOne(Int64.self, "SELECT seq FROM event_head WHERE id = 1") ?? 0
            case .sqlite: head = try SQLiteStore.head(db)
            }
            return (rows, head)
        }
    }

    /// Whether `table` has an integer column named `column` (ids; text keys are not summed).
    private static func integerColumn(_ db: SQLDB, table: String, column: String) throws -> Bool {
        switch db.dialect {
        case .sqlite:
            let type = try db.fetchOne(String.self, "SELECT type FROM pragma_table_info(?) WHERE name = ?", [table, column])
            return type?.uppercased().contains("INT") ?? false
        case .postgres:
            let type = try db.fetchOne(String.self, """
                SELECT data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?
                """, [table, column])
            return ["bigint", "integer", "smallint"].contains(type ?? "")
        }
    }
}
