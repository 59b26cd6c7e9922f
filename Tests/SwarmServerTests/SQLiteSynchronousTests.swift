import Foundation
import GRDB
import SwarmServer
import SwarmStore
import Testing

/// `storage.synchronous` is the promise that an acknowledged post is on disk, not only in the OS's
/// cache: it has to hold on the connection that commits. GRDB's pool sets its writer to NORMAL when
/// it turns WAL on, after our own set-up ran, so `full` once never reached the writer (commits were
/// acknowledged with no sync of the WAL). A SIGKILL test cannot see that: the page cache survives a
/// killed process, only a dead box loses it. So the level is read back from the writer itself.
@Suite("storage.synchronous on the writer", .hangGuard)
struct SQLiteSynchronousTests {
    /// The writer's `PRAGMA synchronous` after a commit through the store opened with `options`.
    static func writerLevel(_ options: (String) -> StoreOptions) async throws -> Int? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-sync-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore.open(options(dir.appendingPathComponent("swarm.sqlite").path))
        let pool = try #require(store.sqlitePool)
        // A commit through the store first: the level must hold for the writer's whole life.
        _ = try await store.createUser(name: "alice", role: .agent)
        let level = try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        await store.close()
        return level
    }

    @Test("the connection that commits runs at the configured level (full = 2, normal = 1, extra = 3)",
          arguments: [("full", 2), ("normal", 1), ("extra", 3), ("FULL", 2)])
    func configuredLevel(setting: String, level: Int) async throws {
        #expect(try await Self.writerLevel { StoreOptions(path: $0, synchronous: setting) } == level)
    }

    @Test("a server on its default configuration commits at full")
    func defaultIsFull() async throws {
        let level = try await Self.writerLevel { path in
            var config = ServerConfig()
            config.databasePath = path
            return config.storeOptions()
        }
        #expect(level == 2)
    }
}
