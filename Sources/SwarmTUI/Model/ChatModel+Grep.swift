import Foundation
import SwarmProtocol

/// `/grep`: a filter over what is loaded in the open buffer (the channel, or the thread being
/// read), without asking the server; `/search` is the server-wide search.
extension ChatModel {
    /// Loaded messages of the current view holding every word (case-insensitive), oldest first.
    public func grep(_ words: [String]) -> [Message] {
        guard let state = currentChannel, !words.isEmpty else { return [] }
        let messages: [Message]
        switch view {
        case .channel: messages = state.messages
        case .thread(let root): messages = state.messages.filter { $0.id == root || $0.thread == root }
        }
        return messages.filter { m in
            !m.deleted && words.allSatisfy { m.body.range(of: $0, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
        }
    }

    /// The output pane's page for `/grep words`: a title, then one line per match, newest last,
    /// with its day and time, author, text (matched words marked for bold) and id.
    public func grepPage(_ words: [String], timeZone: TimeZone = .current) -> String {
        let where_ = currentChannel.map { displayName($0.channel) } ?? "this buffer"
        let found = grep(words)
        let what = words.joined(separator: " ")
        guard !found.isEmpty else { return "No loaded message in \(where_) matches \(what) (/older loads more, /search asks the server)" }
        let clock = LocalTime(timeZone: timeZone)
        let lines = found.map { m -> String in
            let when = clock.parts(m.createdAt).map { "\($0.short) \($0.clock)" } ?? "--:--"
            let body = Self.marking(words, in: m.body.replacingOccurrences(of: "\n", with: " "))
            return "  \(when) \(m.authorName): \(body) \(m.id)"
        }
        return (["\(found.count) loaded message\(found.count == 1 ? "" : "s") in \(where_) match\(found.count == 1 ? "es" : "") \(what):"] + lines).joined(separator: "\n")
    }

    /// `text` with each occurrence of the words wrapped in `**` (the search highlight), so the
    /// output pane draws them bold; existing `**` are dropped first so they cannot unbalance it.
    static func marking(_ words: [String], in text: String) -> String {
        var out = Highlight.strip(text)
        for word in Set(words.map { $0.lowercased() }) where !word.isEmpty && !word.contains("*") {
            var result = ""
            var rest = Substring(out)
            while let r = rest.range(of: word, options: [.caseInsensitive, .diacriticInsensitive]) {
                result += rest[..<r.lowerBound] + "**" + rest[r] + "**"
                rest = rest[r.upperBound...]
            }
            out = result + rest
        }
        return out.replacingOccurrences(of: "****", with: "")
    }
}
