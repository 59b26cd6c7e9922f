import Foundation
import GRDB
import SwarmProtocol
@testable import SwarmStore
import Testing

/// Released migrations are history: a database made by any released swarmd must open with the
/// current one, and a released migration must never change (a change is a new migration).
@Suite("Migration history", .hangGuard)
struct MigrationHistoryTests {
    /// Each released migration, in order, with the SHA-256 of the schema it leaves behind
    /// (`sqlite_master` after applying it and every earlier one to an empty database). A new
    /// migration is added at the end with its hash; an existing line never changes. (The text
    /// is SQLite's and GRDB's: a GRDB upgrade that writes different SQL for the same schema
    /// shows up here too, and is checked by hand before the hashes are renewed.)
    static let released: [(name: String, schema: String)] = [
        ("v1-foundation", "ad8072d893542024bb9354cbfe41b0e7fc83be9780fa987d9bc855028e02f3cf"),
        ("v2-cases", "d6b1ef3af64a92b2b0c6c0c62f484782239327c8ee2dc5aba8300737514fb7e0"),
        ("v3-kb", "57c9569c3c65f0ad5158566139dd1d29ab3ab8b64c9b42393f0185157fa3270f"),
        ("v4-kb-search-filter", "84d5b4f48d6c1775244322485f75130085b3eeb1ee4f7d8dde4682e5d03f9eb0"),
        ("v5-kb-search-head-and-terms", "3922cc5002d7da5fd2f128ccc2b7eec0ef1b07cd4c311872601bd9be0361294c"),
        ("v6-kb-versions-body-once", "434951aa485c47a135d18a58affdc6edaaf68579dcb64fa4b50ebf16c658aeec"),
        ("v7-intake-signals", "72b4875f5362e8e203716fdf3910d52df86ee3dac49fdb021b9dc34472ca3267"),
        ("v8-duplicates-topics", "44e2083c56ddff93d55337120d84d2299a6f40f020cbb47f83fc29e1092a5bf8"),
        ("v9-sla-clocks", "fa5b24d6f77c192b2d4b49c5e61477af9e2f5e37ce31e6d1944c60963b212c05"),
        ("v10-care", "746853a77f76b1d48ff9884a085121e1a96d713f5e865183e8841ac31062a405"),
        ("v11-queue", "5f5301ae607f7008245e3713a2481d99db592f47fd60eba847ad8a1747d6bee4"),
        ("v12-reports", "2d48186b637b356e6d6e23a12e0a00abe60c49d482f5b17d7139b26f084d8af5"),
        ("v13-report-rollups", "7fcfe9bac82d2bf9ac6ca8fbb739cd9bd4a1a5308ae4da1cfdad2ce70d236b85"),
        ("v14-queue-speed", "d95aed383ded2a8a37de3229118b4b9162ecfcee10d2ffcdf35c661c4a0ab6da"),
        ("v15-report-case-times", "6469fd2496b615c31106360ff50ce4b747ee7fc97da7c3cc17b35681bee0ba8b"),
        ("v16-report-contact-days", "a21f36864543682dd5f8613ff256c8aa32b2d5cd10bc59cee46b16ea8263d2bf"),
        ("v17-message-search-file", "26794d0b22ecb0efafc13566cd14abd388d346c755622831ce9f05143dd130d7"),
    ]

    /// The schema after `name`, as text: every table, index, trigger and view with its SQL.
    static func schemaHash(upTo name: String) throws -> String {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue, upTo: name)
        let dump = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").map { row in
                "\(row["type"] as String)|\(row["name"] as String)|\(row["tbl_name"] as String)|\((row["sql"] as String?) ?? "")"
            }.joined(separator: "\n")
        }
        return TokenSecrets.hash(dump).map { String(format: "%02x", $0) }.joined()
    }

    /// PostgreSQL's released migrations with the SHA-256 of their SQL text (the script is what
    /// runs, so any edit of a released one shows; the upgrade tests check what it leaves behind).
    static let releasedPostgres: [(name: String, sql: String)] = [
        ("pg-v1-foundation", "70e72bbeb467dd889a10ffd4ec720b86bbb8cb0d39b79c8d66c3b443fcc1dfed"),
        ("pg-v2-search", "7ee9930b8c700dfec01bb85412aefbe01dd3a8c8bef0ee5e11101710c2e95f02"),
        ("pg-v3-report-case-times", "d2fcd2ffaf89a845efb3424c5164b9aa92c830db8971457ad54f96260d6c7199"),
        ("pg-v4-cluster-nodes", "e9a6f712812ccde0295f593ba509da1b7b2ee7dabe40487db14b390d8b91ab78"),
        ("pg-v5-report-contact-days", "5f5a729ad3eba3eeb47b102a71c215b3a823d5d1466a2990dfc4a4a3810f90c1"),
        ("pg-v6-cluster-row-versions", "ffbaad8af48bb65b757aef7e7798c035de0ddaaec60cf9c1095ff40c67decf8b"),
    ]

    @Test("released PostgreSQL migrations keep their names, order and text")
    func frozenPostgres() {
        let current = PostgresSchema.migrations
        #expect(Array(current.prefix(Self.releasedPostgres.count)).map(\.id) == Self.releasedPostgres.map(\.name),
                "a released PostgreSQL migration was renamed, removed or reordered; add new ones at the end")
        for (step, released) in zip(current, Self.releasedPostgres) {
            let got = TokenSecrets.hash(step.sql).map { String(format: "%02x", $0) }.joined()
            if got != released.sql {
                Issue.record("PostgreSQL migration \(step.id) changed (text hash \(got)); released migrations are frozen: add a new one")
            }
        }
        let unlisted = current.dropFirst(Self.releasedPostgres.count).map(\.id)
        #expect(unlisted.isEmpty, "new PostgreSQL migrations \(unlisted): once released, add them to MigrationHistoryTests.releasedPostgres with their text hash")
    }

    @Test("released migrations keep their names, order and resulting schema")
    func frozen() throws {
        let current = Migrations.migrator.migrations
        #expect(Array(current.prefix(Self.released.count)) == Self.released.map(\.name),
                "a released migration was renamed, removed or reordered; add new migrations at the end")
        // Hashes are cumulative, so the first mismatch names the migration that changed.
        for (name, hash) in Self.released {
            let got = try Self.schemaHash(upTo: name)
            if got != hash {
                Issue.record("migration \(name) changed (schema hash \(got)); released migrations are frozen: revert it and add a new migration")
                break
            }
        }
        let unlisted = current.dropFirst(Self.released.count)
        #expect(unlisted.isEmpty, "new migrations \(Array(unlisted)): once released, add them to MigrationHistoryTests.released with their schema hash")
    }


    /// Rows a swarmd at migration `name` could have written: a lead with a token, a channel with
    /// a message; from v2 a customer and a case; from v3 an approved article.
    static func seed(_ db: Database, upTo name: String, token: String) throws {
        let step = Self.released.firstIndex { $0.name == name }!
        try db.execute(sql: """
            INSERT INTO users(id, name, role, created_at) VALUES (1, 'lena', 'lead', '2026-01-01T00:00:00.000Z');
            INSERT INTO channels(id, name, kind, topic, created_by, created_at) VALUES (1, 'support', 'public', 'Intake', 1, '2026-01-01T00:00:00.000Z');
            INSERT INTO members(channel_id, user_id, joined_at) VALUES (1, 1, '2026-01-01T00:00:00.000Z');
            INSERT INTO messages(id, channel_id, author_id, body, created_at) VALUES (1, 1, 1, 'written by release \(name)', '2026-01-01T00:00:00.000Z');
            """)
        try db.execute(sql: "INSERT INTO tokens(user_id, hash, label, created_at) VALUES (1, ?, 'created', '2026-01-01T00:00:00.000Z')", arguments: [TokenSecrets.hash(token)])
        guard step >= 1 else { return }
        try db.execute(sql: """
            INSERT INTO customers(id, name, created_at, updated_at) VALUES (1, 'Maria Rossi', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
            INSERT INTO customer_identities(channel, handle, customer_id, added_at) VALUES ('email', 'maria@example.com', 1, '2026-01-01T00:00:00.000Z');
            INSERT INTO messages(id, channel_id, author_id, body, created_at) VALUES (2, 1, 1, 'Case: refund late', '2026-01-01T00:00:00.000Z');
            INSERT INTO cases(id, title, customer_id, channel_id, thread_id, status, priority, opened_by, created_at, updated_at, sla_due_at)
                VALUES (1, 'Refund late', 1, 1, 2, 'open', 'high', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
            """)
        guard step >= 2 else { return }
        try db.execute(sql: """
            INSERT INTO kb_articles(id, title, body, tags, tags_json, language, audience, state, version, author_id, created_at, updated_at)
                VALUES (1, 'Voucher expiry', 'Vouchers expire after two years.', 'promo', '["promo"]', 'en', 'internal', 'approved', 1, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
            """)
        // From v6 the current version's body lives in the article only.
        try db.execute(sql: """
            INSERT INTO kb_versions(article_id, version, title, body, tags_json, author_id, at)
                VALUES (1, 1, 'Voucher expiry', ?, '["promo"]', 1, '2026-01-01T00:00:00.000Z')
            """, arguments: [step >= 5 ? nil : "Vouchers expire after two years."])
        // From v5 swarmd keeps a word list beside the index (counted when an article is written).
        if step >= 4 { try KBTerms.refresh(db) }
    }

    @Test("a database left by each released schema opens with the current server; its rows are served over a socket and writes work",
          arguments: MigrationHistoryTests.released.map(\.name))
    func upgradeFrom(_ name: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("swarm.sqlite").path
        let token = TokenSecrets.generate()
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: name)
        try await queue.write { db in try Self.seed(db, upTo: name, token: token) }
        try queue.close()

        let step = Self.released.firstIndex { $0.name == name }!
        try await withServer(configure: { $0.databasePath = path }) { server in
            let lena = try await TestClient.connect(url: server.url, token: token)
            let page = try await lena.request(.history, HistoryRequest(channel: "#support"), as: HistoryReply.self)
            #expect(page.messages.first?.body == "written by release \(name)")
            if step >= 1 {
                let c = try await lena.request(.caseGet, CaseRef(caseId: "CS1"), as: Case.self)
                #expect(c.title == "Refund late" && c.priority == .high)
            }
            if step >= 2 {
                let got = try await lena.request(.kbGet, KBGetRequest(article: "KB1"), as: KBGetReply.self)
                #expect(got.article.body == "Vouchers expire after two years.")
                #expect(try await lena.request(.kbSearch, KBSearchRequest(query: "voucher"), as: KBSearchReply.self).results.map(\.id) == ["KB1"])
            }
            // From v17 the message search index is a file of its own, read from the messages at start.
            let old = try await lena.request(.search, SearchRequest(query: "written release"), as: SearchReply.self)
            #expect(old.results.map(\.message.body) == ["written by release \(name)"])
            let posted = try await lena.post("#support", "after the upgrade")
            try await lena.event("message.new") { $0.data?["id"]?.string == posted.id }
            let new = try await lena.request(.search, SearchRequest(query: "upgrade"), as: SearchReply.self)
            #expect(new.results.map(\.message.id) == [posted.id])
        }
    }
}
