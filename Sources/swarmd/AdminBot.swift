import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmStore

/// `swarmd admin bot add|scopes`: a bot user whose tokens are limited to some ops and channels, so
/// a leaked integration token cannot read or post anywhere else.
struct BotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bot", abstract: "Add bots with scoped tokens, and change their scopes.",
                                                    subcommands: [Add.self, Scopes.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a bot and print its scoped token (shown once).",
            discussion: "Example: swarmd admin bot add zendesk-bot --scopes case.interaction,case.link_ticket --channels 'support-*'")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Bot name: a-z 0-9 . _ -") var name: String
        @OptionGroup var scope: ScopeOptions

        func run() async throws {
            let (user, token) = try await BotCommand.withStore(options) { store in
                try await store.createBot(name: name, scopes: scope.ops, channels: scope.patterns)
            }
            print("created bot \(user.name) (\(user.id)), scopes: \(scope.ops.joined(separator: ",")); channels: \(scope.described)")
            print("token: \(token)")
            print("(shown once; only its hash is stored)")
        }
    }

    struct Scopes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the scopes and channel patterns of an existing bot's tokens.",
            discussion: """
                The token stays the same. Sessions already connected keep their old scopes until they \
                reconnect. Example: swarmd admin bot scopes zendesk-bot --scopes case.interaction,case.link_ticket --channels 'support*'
                """)
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Name of an existing bot user.") var name: String
        @OptionGroup var scope: ScopeOptions

        func run() async throws {
            let (user, tokens) = try await BotCommand.withStore(options) { store in
                try await store.setBotScopes(name: name, scopes: scope.ops, channels: scope.patterns)
            }
            print("bot \(user.name) (\(user.id)): scopes \(scope.ops.joined(separator: ",")); channels: \(scope.described); "
                  + "\(tokens) token\(tokens == 1 ? "" : "s") changed")
        }
    }

    /// Opens the store, runs `body`, and closes the store whether or not `body` threw.
    static func withStore<T: Sendable>(_ options: ConfigOptions, _ body: (SQLiteStore) async throws -> T) async throws -> T {
        let store = try await options.openStore()
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// What a bot token may do, as `bot add` and `bot scopes` both take it.
    struct ScopeOptions: ParsableArguments {
        @Option(help: "Comma-separated ops the token may use, e.g. case.interaction,case.link_ticket.") var scopes: String
        @Option(help: "Comma-separated channel name patterns the bot may work in; * matches any run (default: every channel).")
        var channels: String = ""

        var ops: [String] { Self.list(scopes) }
        var patterns: [String] { Self.list(channels) }
        var described: String { patterns.isEmpty ? "any channel" : patterns.joined(separator: ",") }

        static func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        }
    }
}
