import GRDB

extension Database {
    /// Runs `body` in an IMMEDIATE transaction whose BEGIN, COMMIT and ROLLBACK are statements
    /// prepared once per connection, and commits unless `body` throws.
    ///
    /// Why not GRDB's `write` / `inTransaction`: they run `BEGIN IMMEDIATE TRANSACTION` and
    /// `COMMIT TRANSACTION` through `execute(sql:)`, which prepares each anew through its SQL
    /// literal path; in the post writer's transactions that was ~8 % of a post's CPU (`perf`,
    /// 5 members, 20 posts/s), more than the BEGIN itself. Same semantics otherwise: a failure
    /// rolls back and the first error is thrown; a transaction SQLite already rolled back on its
    /// own (a full disk mid-statement) is not committed but reported as aborted, as GRDB does.
    /// One difference: GRDB also makes every statement after such a rollback fail (a flag of its
    /// own, which this cannot set), so the store's savepoints check for the transaction themselves
    /// (`GRDBExecutor.savepoint`).
    func inCachedTransaction<T>(_ body: () throws -> T) throws -> T {
        try cachedStatement(sql: "BEGIN IMMEDIATE").execute()
        do {
            let result = try body()
            guard isInsideTransaction else {
                throw DatabaseError(resultCode: .SQLITE_ABORT, message: "Transaction was aborted")
            }
            try cachedStatement(sql: "COMMIT").execute()
            return result
        } catch {
            // A failed COMMIT may leave the transaction open (SQLite keeps it on some errors).
            if isInsideTransaction { try? cachedStatement(sql: "ROLLBACK").execute() }
            throw error
        }
    }
}
