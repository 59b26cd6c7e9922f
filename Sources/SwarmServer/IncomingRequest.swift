import Foundation
import SwarmProtocol

/// A request frame as the loop read it: its text and, when it parses, its envelope (id, op).
/// Read on the loop, so the handler knows the op before it picks where the request runs. Public
/// for `Benchmarks/micro-bench` only, as `HubFanoutFixture` is.
public struct IncomingRequest: Sendable {
    /// The frame. Turned into bytes for a decoder only where one reads it (not for a post the
    /// scanner read, the bulk of the traffic).
    public let text: String
    /// nil: not a JSON object with string fields id and op (answered `bad_request`).
    public let envelope: RequestEnvelope?
    /// A `message.post`'s data, or why it does not decode, from the same pass over the frame as
    /// the envelope (`RequestContext.decode` hands it out); nil for other ops. Why: the decoder
    /// reads the whole frame for the envelope, and a second pass for the data was ~5 % of the
    /// server's CPU under a load of posts (`Benchmarks/acked-ab.sh`).
    public let post: Result<MessagePostRequest, any Error>?

    public init(_ text: String) {
        self.text = text
        // The frames that come at volume are read without the decoder (`FlatRequestScan`); any
        // other shape, and any post the decoder would refuse, is decoded as before.
        if let scanned = FlatRequestScan.scan(text) {
            envelope = scanned.envelope
            post = scanned.post.map { .success($0) }
        } else {
            (envelope, post) = Self.decoded(Data(text.utf8))
        }
    }

    /// The envelope and a post's data as `JSONDecoder` reads them (public for the micro-bench).
    public static func decoded(_ body: Data) -> (RequestEnvelope?, Result<MessagePostRequest, any Error>?) {
        let parsed = try? JSONDecoder().decode(Parsed.self, from: body)
        return (parsed?.envelope, parsed?.post)
    }

    /// The envelope, and a post's data decoded as `RequestContext.decode` would: a post whose
    /// data is wrong still has its envelope, and is refused with the same `bad_request` later.
    private struct Parsed: Decodable {
        let envelope: RequestEnvelope
        let post: Result<MessagePostRequest, any Error>?

        init(from decoder: any Decoder) throws {
            envelope = try RequestEnvelope(from: decoder)
            post = envelope.op == Op.messagePost.rawValue ? Result { try RequestData<MessagePostRequest>(from: decoder).data } : nil
        }
    }

    /// The ops a connection's own event loop runs (`EventLoopTaskExecutor`): the chat traffic that
    /// comes at volume, each a small piece of work (a frame's worth of input, a short reply, at
    /// most one commit; typing and presence visit the channel's or the watchers' connections,
    /// cheap each). Every other op runs on the shared pool: a report, an export, a
    /// search, a history page, a brief or a hello with its checks can compute for milliseconds,
    /// and on the loop that would hold up reading and writing every other socket of that loop (a
    /// hello read late past its deadline is closed 4002). Malformed frames and unknown ops are
    /// answered where they are: an error costs less than the hop.
    static let loopOps: Set<Op> = [.messagePost, .messageEdit, .messageDelete, .messageMark, .readMark, .typing, .presenceSet, .ping]

    var runsOnLoop: Bool {
        guard let envelope, let op = Op(rawValue: envelope.op) else { return true }
        return Self.loopOps.contains(op)
    }
}
