import ArgumentParser
import Foundation
import Logging

/// The root of the `swarm` command tree. Each command family lives in its own file under
/// `Commands/`; with no subcommand, `swarm` opens the interactive client (`Chat`).
struct SwarmCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm",
        abstract: "Swarm chat client for customer-care teams (scriptable commands).",
        discussion: """
            Every command takes --url, --token and --json. Settings come from the flags, then the \
            SWARM_URL and SWARM_TOKEN environment variables, then the config file written by \
            `swarm login` ($XDG_CONFIG_HOME/swarm/config.toml or ~/.config/swarm/config.toml).

            Several nodes: where several swarmd nodes share one database, --url takes them all \
            (repeat it, or separate the URLs with commas; SWARM_URL and the config file's url take \
            the comma-separated list). The client uses the first node that answers; when it is \
            unreachable or drops, the chat client and `swarm tail` move to the next node and resume \
            from the last event they saw, and other commands try the next node when connecting.

            With no subcommand, `swarm` opens the chat client (`swarm help chat`): --plain for \
            line mode, --no-bell to silence the bell, --no-notify to ask the terminal for no desktop \
            notifications (OSC 9/777) on direct messages and mentions, --no-color (or NO_COLOR) for \
            no colours or hyperlinks. Inside it, /help lists the commands and keys (the mouse wheel \
            scrolls; Shift selects text).

            EXIT STATUS: 0 ok, 1 other error, 2 usage or bad request, 3 authentication, \
            4 not found or forbidden, 5 network (cannot connect, connection lost, timeout).
            """,
        version: "0.1.0",
        subcommands: [Chat.self, Post.self, History.self, Tail.self, Search.self, Channels.self, CaseCommand.self, CustomerCommand.self, Mark.self, KBCommand.self, Inbox.self,
                      QueueCommand.self, ReportCommand.self, Filtered.self, Login.self, Csat.self, ReplyCheck.self],
        defaultSubcommand: Chat.self)
}

/// Runs the command tree with Swarm's exit statuses instead of ArgumentParser's defaults
/// (which use 64 for usage errors and 1 for everything else).
@main
enum Entry {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            let level = ProcessInfo.processInfo.environment["SWARM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            handler.logLevel = level ?? .critical
            return handler
        }
        var command: any ParsableCommand
        do {
            command = try SwarmCLI.parseAsRoot()
        } catch {
            finishParsing(with: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            finish(with: error)
        }
        exit(ExitStatus.ok.rawValue)
    }

    static func finish(with error: any Error) -> Never {
        // `help` and `--help` reach here from HelpCommand.run() as ArgumentParser's internal
        // CommandError, so its errors are recognised by module rather than by type.
        if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { finishParsing(with: error) }
        let failure = error as? CLIError ?? CLIError(error)
        Output.error("swarm: \(failure.message)")
        exit(failure.status.rawValue)
    }

    /// Help, version and usage errors, worded by ArgumentParser.
    static func finishParsing(with error: any Error) -> Never {
        let code = SwarmCLI.exitCode(for: error)
        let text = SwarmCLI.fullMessage(for: error)
        if code == .success {
            if !text.isEmpty { Output.line(text) }
            exit(ExitStatus.ok.rawValue)
        }
        if !text.isEmpty { Output.error(text) }
        exit(code == .validationFailure ? ExitStatus.usage.rawValue : code.rawValue)
    }
}
