import SwarmProtocol

/// A contact with the customer that happened outside Swarm (a call, a mail sent from the mail
/// client), recorded on the case with `case.interaction`: `/case interaction [CS12] phone [in|out]
/// text`. Outbound unless `in` says so, since the usual reason is a reply given by phone or mail.
public struct LoggedContact: Equatable, Sendable {
    public var channel: ContactChannel
    public var direction: Direction
    public var text: String

    public init(channel: ContactChannel, direction: Direction, text: String) {
        self.channel = channel
        self.direction = direction
        self.text = text
    }

    public static let usage = "/case interaction [CS12] phone|email|whatsapp|… [in|out] what was said"

    /// The words after the case id.
    public static func parse(_ words: [String]) throws -> LoggedContact {
        var rest = words[...]
        guard let first = rest.first, let channel = ContactChannel(rawValue: first.lowercased()) else {
            let channels = ContactChannel.allCases.map(\.rawValue).joined(separator: ", ")
            throw SwarmError.badRequest("usage: \(usage) (channels: \(channels))")
        }
        rest = rest.dropFirst()
        var direction = Direction.outbound
        if let word = rest.first?.lowercased(), let given = directions[word] {
            direction = given
            rest = rest.dropFirst()
        }
        let text = rest.joined(separator: " ")
        guard !text.isEmpty else { throw SwarmError.badRequest("usage: \(usage)") }
        return LoggedContact(channel: channel, direction: direction, text: text)
    }

    static let directions: [String: Direction] = ["in": .inbound, "inbound": .inbound, "out": .outbound, "outbound": .outbound]

    /// The line the client and `swarm case interaction` print after the server recorded it.
    public static func recorded(_ reply: InteractionReply) -> String {
        let e = reply.entry
        let what = [e.direction?.rawValue, e.channel?.rawValue].compactMap { $0 }.joined(separator: " ")
        let repeats = e.duplicateOf.map { " (repeats \($0))" } ?? ""
        return reply.duplicate ? "already recorded on \(reply.caseId)" : "recorded \(what.isEmpty ? "the" : what) contact on \(reply.caseId)\(repeats)"
    }

    /// Either reply: recorded on a case, or held in the filtered bin (PROTOCOL §23).
    public static func recorded(_ outcome: InteractionOutcome) -> String {
        switch outcome {
        case .recorded(let reply): recorded(reply)
        case .filtered(let f): "filtered as noise (\(f.filtered.rule)): held as \(f.filtered.id), no case opened"
        }
    }
}
