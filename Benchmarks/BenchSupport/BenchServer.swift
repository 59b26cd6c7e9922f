import Foundation
import Logging
import SwarmServer

/// swarmd in the benchmark's own process, on a temporary database: `synchronous = normal` and the
/// per-connection rate limit out of the way, so only the code under test is measured.
public struct BenchServer: Sendable {
    public let server: SwarmServer
    public let directory: URL
    let keep: Bool

    /// `existing`: a directory a run kept (`--keep`), whose database is used as it is and kept.
    public static func start(label: String, parent: String, keep: Bool, existing: String? = nil,
                             configure: (inout ServerConfig) -> Void = { _ in }) async throws -> BenchServer {
        let directory = existing.map { URL(fileURLWithPath: $0) } ?? URL(fileURLWithPath: parent).appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keep = keep || existing != nil
        var config = ServerConfig()
        config.port = 0
        config.databasePath = directory.appendingPathComponent("swarm.sqlite").path
        config.synchronous = "normal"
        config.opsPerSecond = 1_000_000
        config.opsBurst = 1_000_000
        configure(&config)
        var logger = Logger(label: label)
        logger.logLevel = .error
        do {
            return BenchServer(server: try await SwarmServer.start(config, logger: logger), directory: directory, keep: keep)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    public var databasePath: String { directory.appendingPathComponent("swarm.sqlite").path }
    public var url: String { "ws://127.0.0.1:\(server.port)/v1/ws" }

    /// Deletes the database unless it is to be kept (then says where it is). Synchronous, so it
    /// can run from a `defer` whatever way the benchmark ends.
    public func removeDatabase() {
        if keep { print("database kept in \(directory.path)") } else { try? FileManager.default.removeItem(at: directory) }
    }
}
