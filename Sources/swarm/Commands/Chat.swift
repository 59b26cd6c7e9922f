import ArgumentParser
import Foundation
import SwarmTUI

/// `swarm` with no subcommand: the interactive client from SwarmTUI.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the chat client: full screen on a terminal, line by line otherwise.")

    @Flag(help: "Line mode: print messages as lines and read commands and messages line by line (the default when only the output is not a terminal).")
    var plain = false

    @Flag(name: .customLong("no-bell"), help: "Do not ring the terminal bell on mentions, direct messages and invitations.")
    var noBell = false

    @Flag(name: .customLong("no-notify"), help: "Do not ask the terminal for desktop notifications (OSC 9, or OSC 777 where the terminal reads it) on direct messages and mentions in other channels.")
    var noNotify = false

    @Flag(name: .customLong("no-color"), help: "No colours, bold or hyperlinks, as with NO_COLOR set or color = \"never\" in the config file.")
    var noColor = false

    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func run() async throws {
        // Piped text would otherwise be posted to whichever channel happened to open first.
        // (In run, not validate(): a validate() error is worded and numbered by ArgumentParser.)
        if !plain, isatty(STDIN_FILENO) != 1 {
            throw CLIError(.usage, "standard input is not a terminal: to post piped text name the channel, `swarm post #channel -`; `swarm --plain` reads commands and messages line by line")
        }
        let settings = try options.settings()
        guard let token = settings.token else {
            throw CLIError(.auth, "no token: pass --token, set SWARM_TOKEN or run `swarm login`")
        }
        // Unsent lines wait beside the config file, which is already private to this user.
        let directory = (ConfigFile.path(environment: ProcessInfo.processInfo.environment) as NSString).deletingLastPathComponent
        let outbox = OutboxFile(directory: directory, url: settings.url, token: token)
        if plain || isatty(STDIN_FILENO) != 1 || isatty(STDOUT_FILENO) != 1 {
            await PlainMode(url: settings.url, token: token, outbox: outbox).run()
        } else {
            await InteractiveApp(url: settings.url, token: token, outbox: outbox, colors: settings.colors && !noColor, bell: !noBell, notify: !noNotify).run()
        }
    }
}
