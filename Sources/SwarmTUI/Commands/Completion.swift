/// Tab completion of `/commands`, their sub-commands (`/case ta` → `/case take`), `#channels`,
/// `@names`, case ids and message ids, from the model and the command table. Pure: returns
/// candidates; the line editor cycles through them in place.
public enum Completion {
    /// `previous`: the words before the one being completed, to know a command's sub-commands.
    public static func candidates(for word: String, isFirstWord: Bool, previous: [String] = [], model: ChatModel,
                                  table: [SlashCommand] = CommandTable.all) -> [String] {
        if isFirstWord, word.hasPrefix("/") {
            return table.map { "/" + $0.name }.filter { $0.hasPrefix(word) }.sorted()
        }
        if let choices = choices(after: previous, table: table) {
            let found = choices.filter { $0.hasPrefix(word) }
            if !found.isEmpty { return found }
        }
        if word.hasPrefix("#") {
            return model.channelOrder.filter { $0.channel.kind != .dm }.map { "#" + $0.channel.name }.filter { $0.hasPrefix(word) }
        }
        if word.hasPrefix("@") {
            return model.users.values.map { "@" + $0.name }.filter { $0.hasPrefix(word) }.sorted()
        }
        // `cs` as typed in a hurry completes too: case ids go in as the server spells them.
        if word.uppercased().hasPrefix("CS") {
            let known = Set(model.casesByThread.values.map(\.id))
            return known.filter { $0.hasPrefix(word.uppercased()) }.sorted { (Int($0.dropFirst(2)) ?? 0) < (Int($1.dropFirst(2)) ?? 0) }
        }
        if word.hasPrefix("M"), let current = model.currentChannel {
            return current.messages.suffix(50).map(\.id).filter { $0.hasPrefix(word) }.reversed()
        }
        return []
    }

    /// The fixed words the command in `previous` takes at this position (`/case ` → open, show, …).
    static func choices(after previous: [String], table: [SlashCommand]) -> [String]? {
        guard let first = previous.first, first.hasPrefix("/"), let command = table.first(where: { "/" + $0.name == first }) else { return nil }
        let index = previous.count - 1
        guard index < command.args.count else { return nil }
        switch command.args[index] {
        case .choice(let options), .optional(.choice(let options)): return options
        default: return nil
        }
    }
}

/// Tab pressed again goes on to the next candidate, Shift-Tab back to the previous one, each
/// replacing the word in the input line; the list itself is never printed.
public struct TabCycle: Equatable, Sendable {
    /// Where the completed word starts in the input line.
    public let start: Int
    public let candidates: [String]
    public private(set) var index = 0

    public init?(start: Int, candidates: [String]) {
        guard !candidates.isEmpty else { return nil }
        self.start = start
        self.candidates = candidates
    }

    /// What goes in place of the word: the candidate and a space, ready for the next word.
    public var text: String { candidates[index] + " " }

    public mutating func step(forward: Bool) {
        index = (index + (forward ? 1 : -1) + candidates.count) % candidates.count
    }
}
