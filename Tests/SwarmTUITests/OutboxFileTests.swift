import Foundation
import SwarmTUI
import Testing

@Suite("The outbox on disk")
struct OutboxFileTests {
    @Test func keepsLinesPrivatelyAndPerAccount() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = OutboxFile(directory: dir, url: "ws://a/v1/ws", token: "t1")
        #expect(file.load().isEmpty)
        let lines: [ChatModel.Pending] = [.init(key: "k1", channel: "C1", body: "one\ntwo", thread: nil), .init(key: "k2", channel: "C1", body: "three", thread: "M4")]
        try file.save(lines)
        #expect(file.load() == lines)
        #expect((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int) == 0o600)
        #expect(OutboxFile(directory: dir, url: "ws://a/v1/ws", token: "t2").path != file.path, "another token, another queue")
        try file.save([])
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}
