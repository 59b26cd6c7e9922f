import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmStore

/// `swarmd admin bot add`: a bot user whose only token is limited to some ops and channels, so a
/// leaked integration token cannot read or post anywhere else.
struct BotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bot", abstract: "Add bots with scoped tokens.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a bot and print its scoped token (shown once).",
            discussion: "Example: swarmd admin bot add zendesk-bot --scopes case.interaction,case.link_ticket --channels 'support-*'")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Bot name: a-z 0-9 . _ -") var name: String
        @Option(help: "Comma-separated ops the token may use, e.g. case.interaction,case.link_ticket.") var scopes: String
        @Option(help: "Comma-separated channel name patterns the bot may work in; * matches any run (default: every channel).")
        var channels: String = ""

        func run() async throws {
            let store = try options.openStore()
            let created: (User, String)
            do {
                created = try await store.createBot(name: name, scopes: Self.list(scopes), channels: Self.list(channels))
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            let (user, token) = created
            let where_ = channels.isEmpty ? "any channel" : Self.list(channels).joined(separator: ",")
            print("created bot \(user.name) (\(user.id)), scopes: \(Self.list(scopes).joined(separator: ",")); channels: \(where_)")
            print("token: \(token)")
            print("(shown once; only its hash is stored)")
        }

        static func list(_ text: String) -> [String] {
            text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        }
    }
}
