import ArgumentParser
import Foundation
import SwarmClient

/// Options every command takes. Precedence: flag, then environment, then the config file.
struct GlobalOptions: ParsableArguments {
    static let defaultURL = "ws://127.0.0.1:7420/v1/ws"

    @Option(help: ArgumentHelp(
        "swarmd WebSocket URL (default: $SWARM_URL, the config file's url, or ws://127.0.0.1:7420/v1/ws). "
            + "Several nodes of one deployment: repeat --url or separate URLs with commas; the client uses the first "
            + "that answers and, when it is unreachable or drops, moves to the next and resumes where it was.",
        valueName: "url"))
    var url: [String] = []

    @Option(help: "Access token (default: $SWARM_TOKEN, or the config file's token when it was saved for the same URL).")
    var token: String?

    @Flag(help: "Print JSON: the server's reply as one line, or one object per line for tail.")
    var json = false

    @Option(help: "Seconds to wait for the connection and for each reply.")
    var timeout: Double = 30

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else { throw ValidationError("--timeout must be more than 0 and at most 86400 seconds") }
    }

    /// Resolves the effective settings. The config file's token is only sent to the server it was
    /// saved for, so `--url` pointing elsewhere never leaks it.
    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let configPath = ConfigFile.path(environment: environment)
        // Several URLs travel as one comma-separated string: the config file stores it as given.
        let flagOrEnvURL = url.isEmpty ? environment["SWARM_URL"].flatMap { $0.isEmpty ? nil : $0 } : NodeList.split(url).joined(separator: ",")
        let flagOrEnvToken = token ?? environment["SWARM_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let config = try ConfigFile.load(path: configPath)
        let resolvedURL = flagOrEnvURL ?? config["url"] ?? Self.defaultURL
        let urls = NodeList.split([resolvedURL])
        guard !urls.isEmpty else { throw CLIError(.usage, "no URL given (expected ws://host:port/v1/ws)") }
        try urls.forEach(Self.check(url:))
        var resolvedToken = flagOrEnvToken
        if resolvedToken == nil, config["url"] == nil || config["url"] == resolvedURL {
            resolvedToken = try config["token"] ?? config["token_file"].map(Self.readTokenFile)
        }
        // `color = "never"` in the config file, or NO_COLOR (https://no-color.org), turns colours off.
        let colors = config["color"] != "never" && (environment["NO_COLOR"] ?? "").isEmpty
        return Settings(url: resolvedURL, urls: urls, token: resolvedToken, timeout: timeout, configPath: configPath, colors: colors)
    }

    /// `token_file = "/path"`: the token lives in its own file (e.g. a secret mounted by a bot host).
    static func readTokenFile(_ path: String) throws -> String {
        let expanded = path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst(1) : path
        guard let data = FileManager.default.contents(atPath: expanded) else { throw CLIError(.auth, "cannot read token_file \(path)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func check(url: String) throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "ws" || scheme == "wss",
              let host = parsed.host, !host.isEmpty else {
            throw CLIError(.usage, "not a WebSocket URL: \(url) (expected ws://host:port/v1/ws)")
        }
    }

    /// Connects, says hello, runs `body`, and closes the session whatever happens.
    func withSession<T>(after: Int64? = nil, _ body: (ServerSession) async throws -> T) async throws -> T {
        let session = try await ServerSession.open(try settings(), after: after)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }
}

/// The settings a command runs with, after defaults, environment and config file were applied.
struct Settings: Sendable {
    /// As given (comma-separated when several nodes); the config file's token is tied to it.
    var url: String
    /// The nodes, in the order they are tried.
    var urls: [String]
    var token: String?
    var timeout: Double
    var configPath: String
    var colors: Bool
}
