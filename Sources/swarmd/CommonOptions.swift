import ArgumentParser
import Foundation
import Logging
import SwarmServer
import SwarmStore

/// Where the configuration and database come from, shared by every subcommand.
struct ConfigOptions: ParsableArguments {
    @Option(help: "Config file (default: config/swarmd.toml when present; env SWARM_CONFIG).")
    var config: String?

    @Option(help: "SQLite database path (overrides storage.path).")
    var db: String?

    func load() throws -> ServerConfig {
        var c = try ServerConfig.load(path: config)
        if let db { c.databasePath = db }
        return c
    }

    func openStore() async throws -> SQLiteStore {
        let c = try load()
        try c.validate()
        var options = c.storeOptions(readers: 1)
        // The server keeps the message search index; an admin command may run beside it.
        options.indexesMessages = false
        return try await SQLiteStore.connect(options)
    }
}

enum Log {
    static func bootstrap(level: String) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: level) ?? .info
            return handler
        }
    }
}
