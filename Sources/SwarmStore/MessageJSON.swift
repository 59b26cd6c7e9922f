import SwarmProtocol

/// A message's JSON written by hand, in a fixed key order, instead of through `JSONEncoder`.
///
/// Why: every post encodes its `message.new` payload inside the writer's transaction, and
/// `JSONEncoder` was ~20 % of the writer's time per post (perf, issue 14); this is a few string
/// appends. What it writes decodes to the same `Message` as the encoder's output (tested against
/// it, hostile bodies included): the same keys, absent optionals left out as the synthesized
/// `Codable` does, strings escaped as RFC 8259 requires (`"`, `\` and U+0000–U+001F; the rest
/// as UTF-8). A card is a free-form `JSONValue`: the caller passes its encoded text.
enum MessageJSON {
    static func encode(_ m: Message, card: String?) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(m.body.utf8.count + m.authorName.utf8.count + (card?.utf8.count ?? 0) + 160)
        out.append(contentsOf: #"{"id":"#.utf8)
        string(m.id, &out)
        out.append(contentsOf: #","channel":"#.utf8)
        string(m.channel, &out)
        out.append(contentsOf: #","author":"#.utf8)
        string(m.author, &out)
        out.append(contentsOf: #","author_name":"#.utf8)
        string(m.authorName, &out)
        out.append(contentsOf: #","body":"#.utf8)
        string(m.body, &out)
        if let thread = m.thread {
            out.append(contentsOf: #","thread":"#.utf8)
            string(thread, &out)
        }
        out.append(contentsOf: #","reply_count":"#.utf8)
        out.append(contentsOf: String(m.replyCount).utf8)
        out.append(contentsOf: #","mentions":["#.utf8)
        for (i, id) in m.mentions.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(id, &out)
        }
        out.append(contentsOf: #"],"created_at":"#.utf8)
        string(m.createdAt, &out)
        if let edited = m.editedAt {
            out.append(contentsOf: #","edited_at":"#.utf8)
            string(edited, &out)
        }
        out.append(contentsOf: m.deleted ? #","deleted":true"#.utf8 : #","deleted":false"#.utf8)
        if let card {
            out.append(contentsOf: #","card":"#.utf8)
            out.append(contentsOf: card.utf8)
        }
        if let mark = m.mark {
            out.append(contentsOf: #","mark":"#.utf8)
            string(mark, &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string literal: quotes, backslash and control characters escaped, the rest as UTF-8.
    static func string(_ s: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x00..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
