import Foundation
import SwarmServer
import Testing

@Suite("Configuration", .hangGuard)
struct ServerConfigTests {
    static var documentedFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config/swarmd.toml")
    }

    @Test("config/swarmd.toml documents exactly the built-in defaults")
    func documentedDefaults() throws {
        var fromFile = ServerConfig()
        fromFile.port = 1
        fromFile.logLevel = "debug"
        fromFile.followupWindowHours = 1
        try fromFile.apply(toml: String(contentsOf: Self.documentedFile, encoding: .utf8), source: "swarmd.toml")
        #expect(fromFile == ServerConfig())
    }

    @Test("environment overrides the file; unknown keys and bad values are errors")
    func precedenceAndErrors() throws {
        var c = ServerConfig()
        try c.apply(toml: "[server]\nport = 9000\n", source: "t")
        try c.apply(environment: ["SWARM_SERVER_PORT": "9001", "SWARM_STORAGE_PATH": "/tmp/x.sqlite"])
        #expect(c.port == 9001)
        #expect(c.databasePath == "/tmp/x.sqlite")
        #expect(throws: ServerConfig.ConfigError.self) { try c.apply(toml: "[server]\nprot = 1\n", source: "t") }
        #expect(throws: ServerConfig.ConfigError.self) { try c.apply(toml: "[server]\nport = \"x\"\n", source: "t") }
        #expect(throws: ServerConfig.ConfigError.self) { try c.apply(environment: ["SWARM_SERVER_PORT": "70000"]) }
    }
}
