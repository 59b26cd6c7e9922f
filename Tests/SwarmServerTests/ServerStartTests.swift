import Foundation
import NIOCore
import NIOPosix
import SwarmServer
import SwarmStore
import Testing

/// A server that cannot listen says so: its start throws (with the reason) instead of waiting for
/// a port that will never come.
@Suite("Server start", .hangGuard)
struct ServerStartTests {
    @Test("a port another socket listens on: the start fails with the bind error, promptly, and the port's owner is untouched")
    func portTaken() async throws {
        let owner = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 8)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(owner.localAddress?.port)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let server = try await TestServer.start(directory: directory) { $0.port = port }
            await server.stop()
            Issue.record("a second server started on port \(port)")
        } catch {
            #expect("\(error)".contains("did not start on 127.0.0.1:\(port)"), "\(error)")
            #expect("\(error)".lowercased().contains("address already in use"), "the bind error is named: \(error)")
        }
        // Without the fix the start never returned: the suite's time limit is the check (no timed
        // assertion: on PostgreSQL a loaded box takes a minute just to open the store).
        #expect(owner.isActive)
        try await owner.close()
        if let server = TestBackend.postgresURL { try? await PostgresDatabases.drop(TestBackend.databaseName(directory), serverURL: server) }
    }
}
