import Foundation
import GRDB
import SwarmProtocol
@testable import SwarmStore
import Testing

/// Databases written by an earlier swarmd open with every article and version intact.
@Suite("Knowledge-base migrations", .hangGuard)
struct KBMigrationTests {
    @Test("v5 and v6 on an old base: indexes and word list rebuilt, every version's body kept (the current one in the article, older ones in their rows); search and kb.get work after")
    func versionsBodyOnce() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("swarm.sqlite").path
        // A base as swarmd left it before v5: two versions of one approved article, both bodies stored.
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v4-kb-search-filter")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO users(id, name, role, created_at) VALUES (1, 'lena', 'lead', '2026-01-01T00:00:00.000Z');
                INSERT INTO kb_articles(id, title, body, tags, tags_json, language, audience, state, version, author_id, created_at, updated_at)
                    VALUES (1, 'Voucher expiry', 'Vouchers expire after two years.', 'promo', '["promo"]', 'en', 'internal', 'approved', 2, 1,
                            '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
                INSERT INTO kb_versions VALUES (1, 1, 'Voucher expiry', 'Vouchers expire after a year.', '["promo"]', 1, '2026-01-01T00:00:00.000Z');
                INSERT INTO kb_versions VALUES (1, 2, 'Voucher expiry', 'Vouchers expire after two years.', '["promo"]', 1, '2026-01-02T00:00:00.000Z');
                """)
        }
        try Migrations.migrator.migrate(queue)
        let bodies = try await queue.read { db in try String?.fetchAll(db, sql: "SELECT body FROM kb_versions ORDER BY version") }
        #expect(bodies == ["Vouchers expire after a year.", nil])
        try queue.close()

        let server = try await TestServer.start { $0.databasePath = path }
        let client = try await TestClient.connect(url: server.url, token: try await server.user("otto"))
        for (version, body) in [(1, "Vouchers expire after a year."), (2, "Vouchers expire after two years.")] {
            let got = try await client.request(.kbGet, KBGetRequest(article: "KB1", version: version), as: KBGetReply.self)
            #expect(got.article.body == body && got.versions.map(\.version) == [1, 2])
        }
        #expect(try await client.request(.kbSearch, KBSearchRequest(query: "two yea"), as: KBSearchReply.self).results.map(\.id) == ["KB1"])
        await server.stop()
    }
}
