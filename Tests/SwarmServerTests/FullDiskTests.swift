import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import SwarmProtocol
import SwarmStore
import Testing

/// A database that cannot grow answers writes with `unavailable` and turns `/readyz` to 503;
/// nothing stored is lost, and it recovers by itself once there is room again.
///
/// The full disk is SQLite's own limit, `PRAGMA max_page_count`, set on the writer connection to
/// the database's current size: every write that needs a new page then fails with SQLITE_FULL,
/// exactly the result code a full file system gives, without root or a special mount.
@Suite("Full disk", .hangGuard)
struct FullDiskTests {
    static func setPageLimit(_ server: TestServer, _ limit: Int?) async throws {
        try await server.store.sqlitePool!.writeWithoutTransaction { db in
            // No free pages either (a migration's dropped table leaves some), so a write needs a new one.
            if limit == nil { try db.execute(sql: "VACUUM") }
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(limit ?? pages)")
        }
    }

    static func get(_ port: Int, _ path: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("writes answer unavailable (socket and HTTP 503), /readyz 503, reads and stored data intact; after freeing space /readyz 200 and posts work")
    func fullDatabase() async throws {
        try await withServer { server in
            server.store.health.probeInterval = .zero
            let port = server.server.port
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("support")
            let (_, botToken) = try await server.store.createBot(name: "helpdesk", scopes: ["case.interaction"], channels: ["support"])
            var stored: [String] = []
            for i in 1...3 { stored.append(try await alice.post(channel.id, "before the disk filled up \(i)").id) }
            #expect(try await Self.get(port, "/readyz").0 == 200)

            try await Self.setPageLimit(server, nil)
            // Big bodies need overflow pages, so no write can squeeze into free space of a page.
            let big = String(repeating: "the disk is full ", count: 700)
            for i in 1...3 {
                let frame = try await alice.conn.send(Op.messagePost.rawValue, MessagePostRequest(channel: channel.id, body: "\(i) \(big)", idempotencyKey: "full-\(i)"))
                #expect(frame.ok != true && frame.error?.code == .unavailable, "\(String(describing: frame.error))")
            }
            let (status, text) = try await Self.get(port, "/readyz")
            #expect(status == 503, "\(text)")
            #expect(try await Self.get(port, "/healthz").0 == 200)
            let contact = InteractionRequest(identity: Identity(channel: .email, handle: "ada@example.com"), channel: .email,
                                             direction: .inbound, text: big, externalId: "mail-full")
            let http = try await httpPost(port: port, "/v1/cases/interactions", token: botToken, contact)
            #expect(http.status == 503 && http.errorCode == "unavailable", "\(http.json)")
            // Reads still work and show exactly what was stored before.
            let page = try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(page.messages.map(\.id) == stored)

            try await Self.setPageLimit(server, 1_073_741_823)
            // Nobody writes: the readiness probe alone finds that writes work again.
            #expect(try await Self.get(port, "/readyz").0 == 200)
            // The retried post (same key) goes through once and reaches the channel.
            let retried = try await alice.post(channel.id, "1 \(big)", key: "full-1")
            try await alice.event("message.new") { $0.data?["id"]?.string == retried.id }
            let after = try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(after.messages.map(\.id) == stored + [retried.id])
            #expect(try await httpPost(port: port, "/v1/cases/interactions", token: botToken, contact).status == 200)
        }
    }

    @Test("a real full file system (a small tmpfs): unavailable, /readyz 503, nothing lost; after deleting a filler file it recovers by itself",
          .enabled(if: TmpfsDisk.canMount, "needs root to mount a tmpfs; the page-limit test above covers the same path"))
    func fullFileSystem() async throws {
        let disk = try TmpfsDisk(megabytes: 4)
        defer { disk.remove() }
        let path = disk.directory.appendingPathComponent("swarm.sqlite").path
        try await withServer(configure: { $0.databasePath = path }) { server in
            server.store.health.probeInterval = .zero
            let port = server.server.port
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("support")
            var stored: [String] = []
            for i in 1...3 { stored.append(try await alice.post(channel.id, "before the disk filled up \(i)").id) }

            let filler = try disk.fill()
            let big = String(repeating: "the disk is full ", count: 700)
            let frame = try await alice.conn.send(Op.messagePost.rawValue, MessagePostRequest(channel: channel.id, body: big, idempotencyKey: "tmpfs-1"))
            #expect(frame.error?.code == .unavailable, "\(String(describing: frame.error))")
            #expect(try await Self.get(port, "/readyz").0 == 503)
            #expect(try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self).messages.map(\.id) == stored)

            try FileManager.default.removeItem(atPath: filler)
            #expect(try await Self.get(port, "/readyz").0 == 200)
            let retried = try await alice.post(channel.id, big, key: "tmpfs-1")
            #expect(try await alice.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self).messages.map(\.id) == stored + [retried.id])
        }
    }
}

/// A small tmpfs mounted for one test: a real file system that fills up. Mounting needs root
/// (CI runs as root); elsewhere the test that uses it is skipped.
struct TmpfsDisk {
    let directory: URL

    static let canMount: Bool = {
        guard getuid() == 0, let disk = try? TmpfsDisk(megabytes: 1) else { return false }
        disk.remove()
        return true
    }()

    init(megabytes: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-tmpfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let mount = try runToEnd(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", directory.path])
        guard mount.status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    /// Writes a filler file until the file system is full; returns its path.
    func fill() throws -> String {
        let path = directory.appendingPathComponent("filler").path
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteOutOfSpace) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let chunk = Data(count: 4096)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        return path
    }

    /// Lazy unmount (`-l`): a process spawned during the run (a tmux server from a parallel
    /// terminal test) may have inherited a descriptor of the database and keep the file system
    /// busy; a plain umount would then fail and leave the mount behind after every run. Detached
    /// now, the kernel frees it when the last descriptor closes.
    func remove() {
        _ = try? runToEnd(URL(fileURLWithPath: "/bin/umount"), ["-l", directory.path])
        try? FileManager.default.removeItem(at: directory)
    }
}
