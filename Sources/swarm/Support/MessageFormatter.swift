import Foundation
import SwarmProtocol

/// Renders messages as aligned lines for people:
///
///     12:04 M12  alice: the refund never arrived [2 replies]
///     12:05 M13  ↳ M12 bob: checking the ticket
///
/// Ids are shown so a reader can answer with `swarm post --thread M12`; thread replies name their
/// root. A line announcing the date is added whenever the day changes (and first, unless it is
/// today). Shared by `history`, `tail` and `search`, and meant for the full-screen client too.
struct MessageFormatter {
    var calendar = Calendar.current
    var now = Date()
    /// Full date on every line instead of day separators (for results not in time order).
    var showsDate = false
    private(set) var idWidth: Int
    private var lastDay: DateComponents?

    init(messages: [Message] = []) {
        idWidth = messages.map(\.id.count).max() ?? 0
    }

    mutating func lines(for message: Message, channelName: String? = nil) -> [String] {
        let date = Timestamp.parse(message.createdAt)
        var lines = showsDate ? [] : dayChange(date)
        idWidth = max(idWidth, message.id.count)
        var head = "\(date.map(stamp) ?? "--:--") \(Text.pad(message.id, idWidth))  "
        if let channelName { head += "#\(channelName) " }
        if let root = message.thread { head += "↳ \(root) " }
        head += "\(Text.clean(message.authorName)): "
        var body = message.deleted ? "(deleted)" : Text.clean(message.body)
        if message.editedAt != nil, !message.deleted { body += " (edited)" }
        if message.replyCount > 0 { body += " [\(message.replyCount) \(message.replyCount == 1 ? "reply" : "replies")]" }
        let bodyLines = body.split(separator: "\n", omittingEmptySubsequences: false)
        // Continuation lines are indented past the time and id columns.
        let indent = String(repeating: " ", count: (showsDate ? 16 : 5) + 1 + idWidth + 2 + 2)
        lines.append(head + (bodyLines.first.map(String.init) ?? ""))
        lines += bodyLines.dropFirst().map { indent + $0 }
        return lines
    }

    mutating func lines(forDeleted event: MessageDeletedEvent) -> [String] {
        var lines = dayChange(now)
        idWidth = max(idWidth, event.id.count)
        var line = "\(clock(now)) \(Text.pad(event.id, idWidth))  "
        if let root = event.thread { line += "↳ \(root) " }
        lines.append(line + "(message deleted)")
        return lines
    }

    private mutating func dayChange(_ date: Date?) -> [String] {
        guard let date else { return [] }
        let day = calendar.dateComponents([.year, .month, .day], from: date)
        defer { lastDay = day }
        if day == lastDay { return [] }
        if lastDay == nil, calendar.isDate(date, inSameDayAs: now) { return [] }
        return ["-- \(date.formatted(.dateTime.weekday(.abbreviated).day().month(.abbreviated).year())) --"]
    }

    private func stamp(_ date: Date) -> String {
        guard showsDate else { return clock(date) }
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d ", c.year ?? 0, c.month ?? 0, c.day ?? 0) + clock(date)
    }

    /// Local wall-clock `HH:MM`.
    func clock(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }
}

enum Timestamp {
    /// Parses the server's RFC 3339 UTC times, with or without fractional seconds.
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}

enum Text {
    /// Other people's text must not drive the terminal: control characters (escape sequences
    /// included) are made visible; newlines stay, tabs become spaces.
    static func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out.append(scalar)
            case 0x09: out.append(contentsOf: "    ".unicodeScalars)
            case 0x0D: continue
            case 0x00...0x1F, 0x7F...0x9F: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
