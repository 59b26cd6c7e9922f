import ArgumentParser
import Foundation
import Logging
import SwarmServer
import SwarmStore

/// `swarmd admin export|import`: a whole database from one backend to the other (SQLite ↔
/// PostgreSQL, or a plain copy), verified by counts. Both sides must be idle: stop the servers.
enum AdminTransfer {
    static let discussion = """
        LOCATION is either a PostgreSQL URL (postgres://user:password@host:5432/database) or a SQLite file path.
        The target must be a new, empty database (a PostgreSQL database that exists, or a SQLite file that does not yet);
        it is migrated first, then every table is copied in foreign-key order keeping ids and seq, identity sequences
        and the event log head are moved up to the copied maxima, and search indexes are rebuilt by the target itself.
        Stop every swarmd on both databases first. Prints a check per table (rows, max/sum of ids) and exits 1 on a mismatch.
        """

    /// Store options for LOCATION, keeping the configured tuning (readers, batch size).
    static func options(_ location: String, base: StoreOptions) throws -> StoreOptions {
        var o = base
        // A server started on the target reads its messages into its own search index.
        o.indexesMessages = false
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            o.backend = .postgres
            o.url = location
        } else {
            guard !location.isEmpty else { throw ValidationError("LOCATION is empty") }
            o.backend = .sqlite
            o.url = nil
            o.path = location
        }
        return o
    }

    static func describe(_ o: StoreOptions) -> String {
        switch o.backend {
        case .sqlite: return "SQLite \(o.path)"
        case .postgres: return "PostgreSQL \(o.url.map(PostgresLocation.redact) ?? "")"
        }
    }

    static func run(from: StoreOptions, to: StoreOptions) async throws {
        if describe(from) == describe(to) { throw ValidationError("the source and the target are the same database: \(describe(from))") }
        let source = try await SQLiteStore.connect(from)
        let target: SQLiteStore
        do {
            target = try await SQLiteStore.connect(to)
        } catch {
            await source.close()
            throw error
        }
        print("copying \(describe(from)) → \(describe(to))")
        let start = ContinuousClock.now
        let report: TransferReport
        do {
            report = try await StoreTransfer.copy(from: source, to: target) { table, rows in
                FileHandle.standardError.write(Data("  \(table): \(rows) rows\n".utf8))
            }
        } catch {
            await source.close()
            await target.close()
            throw error
        }
        await source.close()
        await target.close()
        let rows = report.checks.reduce(Int64(0)) { $0 + $1.targetRows }
        print(report.text)
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("\(rows) rows in \(report.checks.count) tables in \(String(format: "%.2f", seconds)) s")
        guard report.ok else {
            print("MISMATCH: the copy differs from the source (see the table above)")
            throw ExitCode(1)
        }
        print("ok: every table matches")
    }
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Copy the configured database into a new, empty one (e.g. SQLite → PostgreSQL).",
        discussion: AdminTransfer.discussion + "\nExample: swarmd admin export --to postgres://swarm@127.0.0.1:5432/swarm")
    @OptionGroup var options: ConfigOptions
    @Option(name: .long, help: ArgumentHelp("Where to copy to: a postgres:// URL or a SQLite file path.", valueName: "LOCATION")) var to: String

    func run() async throws {
        let c = try options.load()
        try c.validate()
        var base = c.storeOptions(readers: 2)
        base.postgresTimeouts = .offline
        try await AdminTransfer.run(from: base, to: try AdminTransfer.options(to, base: base))
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Copy a whole database into the configured one, which must be empty (e.g. SQLite → PostgreSQL).",
        discussion: AdminTransfer.discussion + "\nExample: swarmd admin import --from ./data/swarm.sqlite")
    @OptionGroup var options: ConfigOptions
    @Option(name: .long, help: ArgumentHelp("Where to copy from: a postgres:// URL or a SQLite file path.", valueName: "LOCATION")) var from: String

    func run() async throws {
        let c = try options.load()
        try c.validate()
        var base = c.storeOptions(readers: 2)
        base.postgresTimeouts = .offline
        if !from.hasPrefix("postgres"), !FileManager.default.fileExists(atPath: from) {
            throw ValidationError("no SQLite database at \(from)")
        }
        try await AdminTransfer.run(from: try AdminTransfer.options(from, base: base), to: base)
    }
}
