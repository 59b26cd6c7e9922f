import Foundation
import SwarmClient
import SwarmProtocol
import SwarmStore
import Testing

/// The database, its WAL and shared-memory files and the demo token file hold secrets and
/// customer data: only the server's user may read them.
@Suite("File modes of the database and token files", .hangGuard)
struct FileModeTests {
    static func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) & 0o777
    }

    @Test("a new database directory is 0700 and the database, -wal and -shm files 0600; files left 0644 are tightened at open")
    func storeFiles() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-modes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let dir = root.appendingPathComponent("data").path
        let db = dir + "/swarm.sqlite"
        var store = try SQLiteStore.open(StoreOptions(path: db, synchronous: "normal"))
        _ = try await store.createUser(name: "alice", role: .agent)
        #expect(try Self.mode(dir) == 0o700)
        for file in [db, db + "-wal", db + "-shm"] { #expect(try Self.mode(file) == 0o600, "\(file)") }
        await store.close()

        // As an earlier swarmd left them.
        for file in [db, db + "-wal", db + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        store = try SQLiteStore.open(StoreOptions(path: db, synchronous: "normal"))
        _ = try await store.createUser(name: "bob", role: .agent)
        for file in [db, db + "-wal", db + "-shm"] { #expect(try Self.mode(file) == 0o600, "\(file)") }
        await store.close()
    }

    @Test("serve --dev-seed writes dev-tokens.txt 0600; a restart with --dev-seed revokes the earlier demo tokens and the file holds the live ones")
    func devSeedRestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-devseed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("swarm.sqlite").path
        let file = dir.appendingPathComponent("dev-tokens.txt").path
        func tokens() throws -> [String: String] {
            var out: [String: String] = [:]
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                let parts = line.split(separator: "\t")
                if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
            }
            return out
        }

        var server = try await ChildServer.start(db: db, extra: ["--dev-seed"])
        let first = try tokens()
        #expect(first.count == 7)
        #expect(try Self.mode(file) == 0o600 && Self.mode(db) == 0o600)
        let alice = try await TestClient.connect(url: server.url, token: try #require(first["alice"]))
        await alice.close()
        server.terminate()

        server = try await ChildServer.start(db: db, extra: ["--dev-seed"])
        defer { server.terminate() }
        let second = try tokens()
        #expect(try Set(second.keys) == Set(first.keys) && Self.mode(file) == 0o600)
        for (name, old) in first {
            let conn = try await SwarmConnection.connect(url: server.url, hello: nil)
            let refused = try await conn.send(Op.hello.rawValue, HelloRequest(token: old, client: "t"))
            #expect(refused.error?.code == .unauthorized, "\(name)'s first dev token still works")
            await conn.close()
            let fresh = try await TestClient.connect(url: server.url, token: try #require(second[name]))
            #expect(fresh.name == name)
            await fresh.close()
        }
    }
}
