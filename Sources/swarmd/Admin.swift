import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmStore

/// Administration straight on the database file. Safe while the server runs: SQLite serialises
/// the writers, and the server picks up the events these commands log within a second.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users, bots, tokens, channels and the knowledge base; move a whole database between backends.",
        subcommands: [UserCommand.self, BotCommand.self, TokenCommand.self, ChannelCommand.self, KBCommand.self,
                      ExportCommand.self, ImportCommand.self])
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Add and list users.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user and print their first token (shown once).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "User name: a-z 0-9 . _ -") var name: String
        @Option(help: "agent, marketing, product, lead, admin or bot.") var role: String = "agent"
        @Option(help: "Comma-separated skills, e.g. billing,returns.") var skills: String = ""
        @Option(help: "Name shown to others.") var displayName: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(role)") }
            let store = try await options.openStore()
            let list = skills.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let created: (User, String)
            do {
                created = try await store.createUser(name: name, role: role, displayName: displayName, skills: list)
            } catch {
                await store.close()
                throw error
            }
            let (user, token) = created
            print("created \(user.name) (\(user.id), \(user.role.rawValue)\(user.skills.isEmpty ? "" : ", skills: " + user.skills.joined(separator: ",")))")
            print("token: \(token)")
            print("(shown once; only its hash is stored)")
            await store.close()
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let store = try await options.openStore()
            let users = try await store.listUsers()
            await store.close()
            print("ID      NAME                 ROLE       SKILLS")
            for u in users {
                print("\(u.id.padding(toLength: 7, withPad: " ", startingAt: 0)) \(u.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(u.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(u.skills.joined(separator: ","))")
            }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Issue and revoke tokens.", subcommands: [Issue.self, Revoke.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue another token for a user (shown once).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "User name or id.") var user: String
        @Option(help: "A note on where the token is used.") var label: String?

        func run() async throws {
            let store = try await options.openStore()
            let token = try await store.issueToken(user: user, label: label)
            await store.close()
            print("token: \(token)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke every token of a user; their open sessions are closed with 4001.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "User name or id.") var user: String

        func run() async throws {
            let store = try await options.openStore()
            let n = try await store.revokeTokens(user: user)
            await store.close()
            print("revoked \(n) token(s) of \(user)")
        }
    }
}

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "channel", abstract: "Create channels.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a channel owned by an admin.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Channel name: a-z 0-9 . _ -") var name: String
        @Flag(help: "Invite-only channel.") var `private` = false
        @Option(help: "Comma-separated user names to add.") var members: String = ""
        @Option(help: "Channel topic.") var topic: String?
        @Option(help: "Owner (default: the first admin).") var owner: String?

        func run() async throws {
            let store = try await options.openStore()
            let users = try await store.listUsers()
            guard let ownerUser = owner.map({ o in users.first { $0.name == o || $0.id == o } }) ?? users.first(where: { $0.role == .admin }) else {
                await store.close()
                throw ValidationError(owner == nil ? "no admin user exists; add one with: swarmd admin user add NAME --role admin" : "no such user \(owner!)")
            }
            let list = members.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            do {
                let principal = try await store.principal(ownerUser.id)
                let ch = try await store.createChannel(principal, ChannelCreateRequest(name: name, kind: `private` ? .private : .public, topic: topic, members: list))
                print("created #\(ch.name) (\(ch.id), \(ch.kind.rawValue))")
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }
}
