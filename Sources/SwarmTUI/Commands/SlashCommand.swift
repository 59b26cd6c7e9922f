/// One `/command`: its arguments drive parsing, `/help` and Tab completion; `run` performs it.
/// Each command family lives in its own file and contributes a list to `CommandTable`.
public struct SlashCommand: Sendable {
    public enum Arg: Equatable, Sendable {
        case channel, user, message
        /// The rest of the line, required.
        case text
        /// The rest of the line, may be empty.
        case optionalText
        /// One word from a fixed list.
        case choice([String])
        /// An optional single word of the given kind.
        indirect case optional(Arg)
    }

    public let name: String
    public let args: [Arg]
    public let usage: String
    public let summary: String
    /// More lines for `/help name` (subcommands, filters, defaults); the list shows only `summary`.
    public let details: [String]
    public let run: @Sendable (ChatController, [String]) async throws -> Void

    public init(_ name: String, _ args: [Arg] = [], usage: String, summary: String, details: [String] = [],
                run: @escaping @Sendable (ChatController, [String]) async throws -> Void) {
        self.name = name
        self.args = args
        self.usage = usage
        self.summary = summary
        self.details = details
        self.run = run
    }
}

public enum CommandTable {
    /// Adding a family: write its file with a `commands` list and add it here.
    public static let all: [SlashCommand] = SessionCommands.commands + ChannelCommands.commands + MessageCommands.commands + CaseCommands.commands
        + CustomerCommands.commands + KBCommands.commands + MarkCommands.commands + InboxCommands.commands + BufferCommands.commands
        + FilteredCommands.commands + QueueCommands.commands + ReportCommands.commands

    public static func named(_ name: String) -> SlashCommand? { all.first { $0.name == name } }
}

/// What a typed line means.
public enum ParsedInput: Equatable, Sendable {
    case message(String)
    case command(name: String, args: [String])
    case error(String)
}

public enum CommandParser {
    /// `/join #support` → command; `hello` → message; `//etc` sends `/etc` as a message.
    public static func parse(_ line: String, table: [SlashCommand] = CommandTable.all) -> ParsedInput {
        guard line.hasPrefix("/") else { return .message(line) }
        if line.hasPrefix("//") { return .message(String(line.dropFirst())) }
        var rest = Substring(line.dropFirst())
        let name = String(rest.prefix { !$0.isWhitespace })
        rest = rest.dropFirst(name.count)
        guard let command = table.first(where: { $0.name == name }) else {
            let close = table.map(\.name).filter { editDistance($0, name) <= 2 }
            return .error("unknown command /\(name)" + (close.isEmpty ? "; /help lists commands" : "; did you mean " + close.map { "/" + $0 }.joined(separator: ", ") + "?"))
        }
        var values: [String] = []
        for arg in command.args {
            rest = rest.drop { $0.isWhitespace }
            switch arg {
            case .text, .optionalText:
                let text = String(rest).trimmingTrailingWhitespace()
                if text.isEmpty, arg == .text { return .error("usage: \(command.usage)") }
                values.append(text)
                rest = ""
            case .optional(let inner):
                let word = String(rest.prefix { !$0.isWhitespace })
                if case .choice(let options) = inner, !word.isEmpty, !options.contains(word) { return .error("usage: \(command.usage)") }
                rest = rest.dropFirst(word.count)
                values.append(word)
            case .choice(let options):
                let word = String(rest.prefix { !$0.isWhitespace })
                guard options.contains(word) else { return .error("usage: \(command.usage)") }
                rest = rest.dropFirst(word.count)
                values.append(word)
            case .channel, .user, .message:
                let word = String(rest.prefix { !$0.isWhitespace })
                guard !word.isEmpty else { return .error("usage: \(command.usage)") }
                rest = rest.dropFirst(word.count)
                values.append(word)
            }
        }
        guard rest.allSatisfy(\.isWhitespace) else { return .error("usage: \(command.usage)") }
        return .command(name: name, args: values)
    }

    /// `/help` text: every command, or one in detail.
    public static func help(_ name: String? = nil, table: [SlashCommand] = CommandTable.all) -> String {
        if let name, !name.isEmpty {
            let n = name.hasPrefix("/") ? String(name.dropFirst()) : name
            guard let c = table.first(where: { $0.name == n }) else { return "no command /\(n); /help lists commands" }
            return (["\(c.usage)", "  \(c.summary)"] + c.details.map { "  " + $0 }).joined(separator: "\n")
        }
        // The usage column stays narrow so summaries fit beside it in the output pane; a longer
        // usage gets a line of its own, its summary under it in the column.
        let column = min(table.map(\.usage.count).max() ?? 0, 24) + 2
        return (["Commands (Tab completes /commands and sub-commands, #channels, @names, CS case ids; Tab again: next, Shift-Tab: back):"] + table.map {
            $0.usage.count + 2 <= column
                ? "  " + $0.usage.padding(toLength: column, withPad: " ", startingAt: 0) + $0.summary
                : "  " + $0.usage + "\n  " + String(repeating: " ", count: column) + $0.summary
        } + ["Keys: Alt-1..9 or Ctrl-N/Ctrl-P switch channel, Alt-A goes to the next channel with unread messages (mentions first),",
            "      PgUp/PgDn or the mouse wheel scroll (PgUp/PgDn: this pane while it is open), Esc closes it,",
            "      Up/Down history, Ctrl-C quits (asks first while lines wait to be sent)."]).joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

/// Levenshtein distance, for "did you mean" on mistyped commands.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
