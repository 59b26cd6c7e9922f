/// Tab completion of `/commands`, `#channels`, `@names` and message ids, from the model and the
/// command table. Pure: returns candidates; the app replaces the word or lists them.
public enum Completion {
    public static func candidates(for word: String, isFirstWord: Bool, model: ChatModel, table: [SlashCommand] = CommandTable.all) -> [String] {
        if isFirstWord, word.hasPrefix("/") {
            return table.map { "/" + $0.name }.filter { $0.hasPrefix(word) }.sorted()
        }
        if word.hasPrefix("#") {
            return model.channelOrder.filter { $0.channel.kind != .dm }.map { "#" + $0.channel.name }.filter { $0.hasPrefix(word) }
        }
        if word.hasPrefix("@") {
            return model.users.values.map { "@" + $0.name }.filter { $0.hasPrefix(word) }.sorted()
        }
        if word.hasPrefix("M"), let current = model.currentChannel {
            return current.messages.suffix(50).map(\.id).filter { $0.hasPrefix(word) }.reversed()
        }
        return []
    }

    /// The longest prefix every candidate shares.
    public static func commonPrefix(_ items: [String]) -> String {
        guard var prefix = items.first else { return "" }
        for item in items.dropFirst() {
            while !item.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
