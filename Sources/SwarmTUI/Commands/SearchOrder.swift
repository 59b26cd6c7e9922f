import Foundation
import SwarmProtocol

/// `/search` results: the server ranks them; the client lists them in time order (a conversation
/// reads top to bottom) unless `--relevance` asks for the server's order.
public enum SearchOrder {
    public static let relevanceFlag = "--relevance"

    /// The query without the flag, and whether the flag was given (first or last word).
    public static func parse(_ text: String) -> (query: String, relevance: Bool) {
        var words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let relevance = words.contains(relevanceFlag)
        words.removeAll { $0 == relevanceFlag }
        return (words.joined(separator: " "), relevance)
    }

    public static func page(_ results: [SearchHit], query: String, relevance: Bool, model: ChatModel, timeZone: TimeZone = .current) -> String {
        guard !results.isEmpty else { return "No results for \(query)" }
        let ordered = relevance ? results : results.sorted { ChatModel.order($0.message.id) < ChatModel.order($1.message.id) }
        let clock = LocalTime(timeZone: timeZone)
        let lines = ordered.map { hit in
            let place = model.channels[hit.message.channel].map { model.displayName($0.channel) } ?? hit.message.channel
            let when = clock.parts(hit.message.createdAt).map { "\($0.short) \($0.clock)" } ?? "--:--"
            return "  \(hit.message.id) \(when) \(place) \(hit.message.authorName): \(hit.snippet)"
        }
        let order = relevance ? "best first" : "oldest first; /search --relevance \(query) for best first"
        return (["Results for \(query) (\(order); /thread ID opens one):"] + lines).joined(separator: "\n")
    }
}
