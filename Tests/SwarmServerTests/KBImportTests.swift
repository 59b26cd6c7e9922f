import Foundation
import SwarmProtocol
import SwarmStore
import Testing

/// `swarmd admin kb import` and `export` through the real binary, against a running server's
/// database (the admin commands are documented as safe while the server runs).
@Suite("Knowledge base import and export (swarmd admin kb)", .hangGuard)
struct KBImportTests {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-kb-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func search(_ client: TestClient, _ query: String, language: String? = nil) async throws -> [String] {
        try await client.request(.kbSearch, KBSearchRequest(query: query, language: language), as: KBSearchReply.self).results.map(\.title)
    }

    @Test("JSONL: good lines are imported and searchable; each bad line is named with its reason; exit 1")
    func jsonLines() async throws {
        try await withServer { server in
            _ = try await server.user("root", role: .admin)
            let agent = try await server.client("anna", role: .agent)
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("kb.jsonl")
            try """
                {"title":"Perché il rimborso è in ritardo","body":"Il rimborso arriva entro dieci giorni lavorativi.","tags":["rimborso"],"language":"it"}
                this is not json
                {"body":"an article without a title"}
                {"title":"Wrong language","body":"Some text.","language":"12"}

                {"title":"Empty body","body":"   "}
                {"title":"Parcel tracking","body":"Check the courier page for your parcel.","tags":["shipping"],"audience":"customer"}
                {"title":"Voucher draft","body":"Vouchers expire after a year.","state":"draft"}

                """.write(to: file, atomically: true, encoding: .utf8)
            let run = try ChildServer.runCapturingErrors(["admin", "kb", "import", file.path, "--db", server.config.databasePath])
            #expect(run.status == 1, "\(run.output)\(run.errors)")
            #expect(run.output.contains("imported 3, skipped 4"), "\(run.output)")
            let errors = run.errors.split(separator: "\n").map(String.init)
            #expect(errors.count == 4, "\(run.errors)")
            #expect(errors.contains { $0.hasPrefix("line 2:") && $0.contains("JSON") }, "\(run.errors)")
            #expect(errors.contains { $0.hasPrefix("line 3:") && $0.contains("title") }, "\(run.errors)")
            #expect(errors.contains { $0.hasPrefix("line 4:") && $0.contains("language") }, "\(run.errors)")
            #expect(errors.contains { $0.hasPrefix("line 6:") && $0.contains("body") }, "\(run.errors)")

            #expect(try await Self.search(agent, "perche rimborso") == ["Perché il rimborso è in ritardo"])
            #expect(try await Self.search(agent, "ritardo", language: "it") == ["Perché il rimborso è in ritardo"])
            #expect(try await Self.search(agent, "courier") == ["Parcel tracking"])
            // Imported as approved by default, but a line's own state wins: the draft stays out of search.
            #expect(try await Self.search(agent, "vouchers").isEmpty)
            let list = try await agent.request(.kbList, KBListRequest(), as: KBListReply.self)
            #expect(Set(list.articles.map(\.title)) == ["Perché il rimborso è in ritardo", "Parcel tracking"])
            #expect(list.articles.allSatisfy { $0.authorName == "root" && $0.approvedBy != nil })
        }
    }

    @Test("Markdown directory: front matter, a # heading, or the file name gives the title; a broken file is named")
    func markdownDirectory() async throws {
        try await withServer { server in
            _ = try await server.user("root", role: .admin)
            let agent = try await server.client("anna", role: .agent)
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let files = [
                "spedizione.md": "---\ntitle: Spedizione in ritardo\ntags: shipping, ritardo\nlanguage: it\naudience: customer\n---\nIl corriere consegna entro tre giorni.\n",
                "voucher.md": "# Expired voucher\n\nA voucher can be renewed once by an agent.\n",
                "password-reset.md": "Send the customer the reset link from the account page.\n",
                "broken.md": "---\ntitle: never closed\n\nbody\n",
                "notes.txt": "not markdown, not imported\n",
            ]
            for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            let run = try ChildServer.runCapturingErrors(["admin", "kb", "import", dir.path, "--db", server.config.databasePath])
            #expect(run.status == 1, "\(run.output)\(run.errors)")
            #expect(run.output.contains("imported 3, skipped 1"), "\(run.output)")
            #expect(run.errors.hasPrefix("broken.md:") && run.errors.contains("---"), "\(run.errors)")

            let lead = try await server.client("lena", role: .lead)
            let shipping = try #require(try await lead.request(.kbSearch, KBSearchRequest(query: "consegna"), as: KBSearchReply.self).results.first)
            #expect(shipping.title == "Spedizione in ritardo" && shipping.tags == ["shipping", "ritardo"] && shipping.language == "it" && shipping.audience == .customer)
            #expect(try await Self.search(agent, "renewed") == ["Expired voucher"])
            #expect(try await Self.search(agent, "reset link") == ["password-reset"])
            let voucher = try await agent.request(.kbGet, KBGetRequest(article: shipping.id), as: KBGetReply.self).article
            #expect(voucher.body == "Il corriere consegna entro tre giorni.")
        }
    }

    @Test("export then import into a fresh database round-trips titles, bodies, tags and states")
    func roundTrip() async throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = dir.appendingPathComponent("first.sqlite").path
        let second = dir.appendingPathComponent("second.sqlite").path
        let source = dir.appendingPathComponent("in.jsonl")
        let lines = [
            #"{"title":"Fattura elettronica","body":"La fattura arriva via PEC.\n\n- codice SDI\n- partita IVA","tags":["fattura","billing"],"language":"it"}"#,
            #"{"title":"Refund \"fast\" path","body":"Use the refund button; see https://example.com/help.","tags":["refund"],"products":["shop"],"reply_template":"Hi {{customer.first_name}}"}"#,
            #"{"title":"Draft about àccénts","body":"Già, perché sì.","state":"draft"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(to: source, atomically: true, encoding: .utf8)
        for db in [first, second] {
            #expect(try ChildServer.run(["admin", "user", "add", "root", "--role", "admin", "--db", db]).status == 0)
        }
        #expect(try ChildServer.run(["admin", "kb", "import", source.path, "--db", first]).status == 0)
        let exported = dir.appendingPathComponent("export.jsonl").path
        #expect(try ChildServer.run(["admin", "kb", "export", "--out", exported, "--db", first]).status == 0)
        let again = try ChildServer.run(["admin", "kb", "import", exported, "--db", second])
        #expect(again.status == 0 && again.output.contains("imported 3, skipped 0"), "\(again.output)")

        func records(_ db: String) throws -> [KBArticleRecord] {
            let out = try ChildServer.run(["admin", "kb", "export", "--db", db])
            #expect(out.status == 0)
            return try out.output.split(separator: "\n").map { try JSONDecoder().decode(KBArticleRecord.self, from: Data($0.utf8)) }
        }
        let a = try records(first)
        let b = try records(second)
        #expect(a.count == 3)
        #expect(a == b)
        #expect(a.map(\.title) == ["Fattura elettronica", "Refund \"fast\" path", "Draft about àccénts"])
        #expect(a[0].body.contains("\n- partita IVA") && a[0].tags == ["fattura", "billing"])
        #expect(a[1].replyTemplate == "Hi {{customer.first_name}}" && a[1].products == ["shop"])
        #expect(a.map(\.state) == ["approved", "approved", "draft"])
    }
}
