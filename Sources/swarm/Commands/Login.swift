import ArgumentParser
import Foundation
import SwarmProtocol

/// `swarm login`: checks a token against the server and saves it for later commands.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a URL and token with the server, then save them in the config file.",
        discussion: """
            Writes url and token to $XDG_CONFIG_HOME/swarm/config.toml (or ~/.config/swarm/config.toml) \
            with mode 0600, keeping any other settings in it. Nothing is written when the server \
            refuses the token.
            """)

    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        // Only an explicit token is saved: login must not quietly re-save the one it would read
        // from the very file it writes.
        guard let token = options.token ?? environment["SWARM_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ValidationError("pass --token (or set SWARM_TOKEN)")
        }
        var settings = try options.settings(environment: environment)
        settings.token = token
        let session = try await ServerSession.open(settings)
        let user = session.user
        await session.close()

        var config = try ConfigFile.load(path: settings.configPath)
        config["url"] = settings.url
        config["token"] = token
        try config.write(path: settings.configPath)

        if options.json {
            Output.json(.object(["user": try .from(user), "url": .string(settings.url), "config": .string(settings.configPath)]))
        } else {
            Output.line("Logged in to \(settings.url) as \(user.name) (\(user.id)); saved to \(settings.configPath)")
        }
    }
}
