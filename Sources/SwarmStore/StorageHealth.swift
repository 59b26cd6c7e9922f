import Foundation
import GRDB
import Logging
import Synchronization
import SwarmProtocol

/// Whether the database can be written, learned from real writes. A full disk, an I/O error or
/// a read-only file is not the request's fault and not a server bug: every write fails the same
/// way until an operator frees space, so clients get `unavailable` (retry later) and `/readyz`
/// turns 503 until a write succeeds again. This is the one place SQLite result codes become a
/// wire error.
public final class StorageHealth: Sendable {
    private struct State {
        var writable = true
        var lastProbe: ContinuousClock.Instant?
        var probeInterval: Duration = .seconds(1)
    }

    private let state = Mutex(State())
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// False from the first write that failed for lack of space or I/O until one succeeds.
    public var writable: Bool { state.withLock { $0.writable } }

    /// SQLite results that say the storage, not the request, is at fault: disk full, I/O error,
    /// read-only file system or file, database file gone or not openable.
    public static func isStorageFailure(_ error: any Error) -> Bool {
        if error is SQLUnavailable { return true }
        guard let db = error as? DatabaseError else { return false }
        return [ResultCode.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN].contains(db.resultCode)
    }

    public static let unavailable = SwarmError(.unavailable, "the database cannot be written right now (disk full, I/O error or database unreachable); nothing was changed, retry later")

    /// `error` as the wire sees it: storage failures become `unavailable`, anything else is kept.
    public static func wire(_ error: any Error) -> any Error {
        isStorageFailure(error) ? unavailable : error
    }

    /// Runs `work`, its errors as the wire sees them (`wire`).
    static func wiring<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch {
            throw wire(error)
        }
    }

    /// Records how a committed (or failed) batch went and maps its errors. Logged on the change
    /// of state only, so a full disk under load does not flood the log.
    func record(_ outcomes: [(any Error)?]) -> [(any Error)?] {
        let failures = outcomes.compactMap { $0 }.filter(Self.isStorageFailure)
        if let first = failures.first {
            mark(writable: false, because: first)
        } else if outcomes.contains(where: { $0 == nil }) {
            mark(writable: true, because: nil)
        }
        return outcomes.map { $0.map(Self.wire) }
    }

    func mark(writable: Bool, because error: (any Error)?) {
        let changed = state.withLock { s -> Bool in
            defer { s.writable = writable }
            return s.writable != writable
        }
        guard changed else { return }
        if let error {
            logger.critical("database writes fail; answering unavailable and /readyz 503 until a write succeeds", metadata: ["error": "\(error)"])
        } else {
            logger.notice("database writes succeed again")
        }
    }

    /// The shortest time between two write probes (default one second). Tests set zero so a
    /// `/readyz` right after space was freed answers from a fresh probe instead of being polled.
    public var probeInterval: Duration {
        get { state.withLock { $0.probeInterval } }
        set { state.withLock { $0.probeInterval = newValue } }
    }

    /// True when a probe may run now: at most one per `probeInterval`, so polling `/readyz`
    /// cannot turn into a write load.
    func takeProbeSlot() -> Bool {
        state.withLock { s in
            let now = ContinuousClock.now
            if let last = s.lastProbe, now - last < s.probeInterval { return false }
            s.lastProbe = now
            return true
        }
    }
}

extension SQLiteStore {
    /// While writes fail, tries a small real write (through the writer, so it takes the same
    /// path and needs new pages like a post does) at most once a second; true when writable.
    public func checkWritable() async -> Bool {
        guard !health.writable else { return true }
        guard health.takeProbeSlot() else { return false }
        // 16 KiB spans several overflow pages: a database that cannot grow refuses it.
        let filler = String(repeating: "probe", count: 3300)
        _ = try? await write { tx in
            try tx.db.execute("INSERT INTO meta(key, value) VALUES ('write_probe', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [filler])
            try tx.db.execute("DELETE FROM meta WHERE key = 'write_probe'")
        }
        return health.writable
    }
}
