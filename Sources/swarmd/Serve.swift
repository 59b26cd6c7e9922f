import ArgumentParser
import Foundation
import Logging
import SwarmServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (default 127.0.0.1:7420, database ./data/swarm.sqlite).")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Address to listen on (overrides server.host).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (overrides server.port).")
    var port: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (overrides log.level).")
    var logLevel: String?

    @Flag(help: "Create a demo team and print its tokens (also written to dev-tokens.txt beside the database); on a restart the demo users' earlier tokens are revoked.")
    var devSeed = false

    func run() async throws {
        var config = try options.load()
        if let host { config.host = host }
        if let port { config.port = port }
        if let logLevel { config.logLevel = logLevel }
        try config.validate()
        Log.bootstrap(level: config.logLevel)
        FileLimit.raiseToHard(logger: Logger(label: "swarmd"))
        let server = try await SwarmServer.start(config, handleSignals: true)
        if devSeed {
            let file = URL(fileURLWithPath: config.databasePath).deletingLastPathComponent().appendingPathComponent("dev-tokens.txt").path
            let tokens = try await DevSeed.run(store: server.store, tokenFile: file)
            var text = "Demo team ready. Tokens (also in \(file)):\n"
            for (name, token) in tokens { text += "  \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(token)\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        // Scripts and tests read this line to learn the port when started with --port 0.
        FileHandle.standardOutput.write(Data("swarmd listening on \(config.host):\(server.port)\n".utf8))
        try await server.wait()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let store = try await options.openStore()
        await store.close()
        print("database is at the current schema: \(try options.load().storageDescription)")
    }
}
