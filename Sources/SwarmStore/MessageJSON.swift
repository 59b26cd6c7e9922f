import Foundation
import SwarmCore
import SwarmProtocol

/// A new message's JSON, encoded before its job enters the writer, with the three values only the
/// writer knows (its id, its channel's id, its time) filled in there by concatenation. Encoding
/// the `message.new` payload with `JSONEncoder` inside the write lock was ~20 % of the writer's
/// time per post (perf, issue 14). The filled-in text is the encoder's own output for that
/// message, byte for byte: the template is that output for empty id, channel and time, cut where
/// those values go, and is used only when the cut is where it must be.
///
/// Covers the plain post: no thread, no card, no mentions. A post that turns out to have any of
/// them is encoded in the writer as before, and so is every post when the encoder does not write
/// keys in declaration order: swift-foundation's `JSONEncoder` on Linux does not (2026-12), so
/// there the guard in `init` refuses and this saves nothing yet. A fixed-order encoder would.
struct MessageJSON: Sendable {
    /// Everything between the channel and the time: `"author":…,"mentions":[],`.
    private let middle: String

    private static let head = #"{"id":"","channel":"","#
    private static let tail = #""created_at":"","deleted":false}"#

    init?(author p: Principal, body: String, encoder: JSONEncoder) {
        let blank = Message(id: "", channel: "", author: p.userId, authorName: p.name, body: body, thread: nil, replyCount: 0,
                            mentions: [], createdAt: "", editedAt: nil, deleted: false, card: nil)
        guard let data = try? encoder.encode(blank) else { return nil }
        let json = String(decoding: data, as: UTF8.self)
        guard json.utf8.count > Self.head.utf8.count + Self.tail.utf8.count, json.hasPrefix(Self.head), json.hasSuffix(Self.tail) else { return nil }
        let bytes = Array(json.utf8)
        middle = String(decoding: bytes[Self.head.utf8.count..<(bytes.count - Self.tail.utf8.count)], as: UTF8.self)
    }

    /// The message's JSON with its values (ids and an RFC 3339 time: nothing to escape).
    func filled(id: String, channel: String, createdAt: String) -> String {
        var json = #"{"id":""#
        json.reserveCapacity(middle.utf8.count + id.utf8.count + channel.utf8.count + createdAt.utf8.count + 64)
        json += id
        json += #"","channel":""#
        json += channel
        json += #"","#
        json += middle
        json += #""created_at":""#
        json += createdAt
        json += #"","deleted":false}"#
        return json
    }
}
