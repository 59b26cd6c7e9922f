import Foundation
import Logging
import SwarmProtocol
import SwarmServer
import Testing

/// The stored half of the score follows the `[queue]` settings: after a restart with new weights
/// or new urgency words, the queued cases are re-scored once at start-up (PROTOCOL §22.2).
@Suite("Triage queue across a restart", .hangGuard)
struct QueueRestartTests {
    @Test("new weights and word lists re-score the open cases at start-up; the urgency words are found again from the stored texts")
    func rescoredAfterRestart() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var config = ServerConfig()
        config.port = 0
        config.databasePath = dir.appendingPathComponent("swarm.sqlite").path
        config.synchronous = "normal"
        config.helloTimeoutSeconds = 120   // a stalled shared box must not turn a slow hello into a failure
        var logger = Logger(label: "swarmd-test")
        logger.logLevel = .warning

        let first = try await SwarmServer.start(config, logger: logger)
        let url = "ws://127.0.0.1:\(first.port)/v1/ws"
        let leadToken = try await first.store.createUser(name: "lena", role: .lead, skills: []).1
        var lead = try await TestClient.connect(url: url, token: leadToken)
        _ = try await lead.createChannel("support")
        let (_, botToken) = try await first.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support*"])
        let bot = try await TestClient.connect(url: url, token: botToken)
        let contact = try await QueueTests.contact(bot, handle: "@mario", text: "the parcel is lost, I want a voucher", isPublic: true)
        let before = try await lead.request(.queueList, QueueListRequest(), as: QueueListReply.self)
        #expect(before.items.first?.why == "+30 public post")
        await lead.close()
        await bot.close()
        await first.stop()

        config.queue.weights.publicPost = 50
        config.queue.urgencyWordsEn = ["voucher"]
        let second = try await SwarmServer.start(config, logger: logger)
        lead = try await TestClient.connect(url: "ws://127.0.0.1:\(second.port)/v1/ws", token: leadToken)
        let after = try await lead.request(.queueList, QueueListRequest(), as: QueueListReply.self)
        #expect(after.items.map(\.caseInfo.id) == [contact.caseId])
        #expect(after.items.first?.why == "+50 public post · +12 urgent words: voucher")
        await lead.close()
        await second.stop()
    }
}
