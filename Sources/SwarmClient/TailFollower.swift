import SwarmProtocol

/// What `tail` does with each frame of the session: a pure state machine, so the rules (which
/// events belong to the channel, history overlap, counting, resume point) live in one place.
public struct TailFollower: Sendable {
    public enum Action: Sendable, Equatable {
        case skip
        case ready(seq: Int64)
        case print(EventName, JSONValue)
    }

    public let channel: String
    /// Messages already printed from history: posted after hello, they also arrive as events.
    public var shownHistory: Set<String>
    /// The log's head the printed history page was read at (its `seq`): events up to it are
    /// what the page shows, so they are not printed again. Nil without a page, or from a server
    /// that does not send it (then `shownHistory` alone keeps messages from printing twice).
    public let shownThrough: Int64?
    /// Live events still to print before exiting; nil to follow for ever.
    public var remaining: Int?
    /// The newest seq seen or shown: `--after` with it resumes without losing or repeating events.
    public private(set) var lastSeq: Int64?

    public init(channel: String, shownHistory: Set<String>, shownThrough: Int64? = nil, remaining: Int?) {
        self.channel = channel
        self.shownHistory = shownHistory
        self.shownThrough = shownThrough
        self.remaining = remaining
        lastSeq = shownThrough
    }

    public var done: Bool { remaining.map { $0 <= 0 } ?? false }

    public mutating func handle(_ frame: ServerFrame) -> Action {
        guard let name = frame.ev.flatMap(EventName.init(rawValue:)) else { return .skip }
        if name == .ready {
            let seq = max(frame.data?["seq"]?.int ?? frame.seq ?? 0, shownThrough ?? 0)
            lastSeq = max(lastSeq ?? seq, seq)
            return .ready(seq: seq)
        }
        if let seq = frame.seq { lastSeq = max(lastSeq ?? seq, seq) }
        guard [.messageNew, .messageEdited, .messageDeleted].contains(name),
              let data = frame.data, data["channel"]?.string == channel else { return .skip }
        if let seq = frame.seq, let shownThrough, seq <= shownThrough { return .skip }
        if name == .messageNew, let id = data["id"]?.string, shownHistory.remove(id) != nil { return .skip }
        if let left = remaining { remaining = left - 1 }
        return .print(name, data)
    }
}
