import Foundation
@testable import SwarmServer
import SwarmProtocol
import Testing

/// A `message.post`'s data is decoded in the same pass as the envelope (`IncomingRequest.post`):
/// what a handler gets, value or refusal, must be what a decode of its own would give.
@Suite("Incoming requests: a post's data decoded with its envelope")
struct IncomingRequestTests {
    @Test("a post's data, or the reason it is refused, is the same as a separate decode's", arguments: [
        #"{"id":"1","op":"message.post","data":{"channel":"C1","body":"hi","thread":"M2","idempotency_key":"k"}}"#,
        #"{"id":"2","op":"message.post","data":{"channel":42,"body":"x"}}"#,
        #"{"id":"3","op":"message.post","data":{"channel":"C1"}}"#,
        #"{"id":"4","op":"message.post","data":"nope"}"#,
        #"{"id":"5","op":"message.post","data":null}"#,
        #"{"id":"6","op":"message.post"}"#,
    ])
    func sameAsASeparateDecode(frame: String) throws {
        let request = IncomingRequest(frame)
        #expect(request.envelope?.op == "message.post", "wrong data still leaves the envelope")
        let post = try #require(request.post)
        let separate = Result { try JSONDecoder().decode(RequestData<MessagePostRequest>.self, from: Data(frame.utf8)).data }
        switch (post, separate) {
        case (.success(let a), .success(let b)):
            #expect(a.channel == b.channel && a.body == b.body && a.thread == b.thread && a.idempotencyKey == b.idempotencyKey)
        case (.failure(let a as DecodingError), .failure(let b as DecodingError)):
            #expect(Wire.describe(a) == Wire.describe(b))
        default:
            Issue.record("\(post) against \(separate)")
        }
    }

    @Test("other ops carry no post; a frame that is not an object with string id and op has no envelope")
    func otherFrames() {
        #expect(IncomingRequest(#"{"id":"1","op":"ping"}"#).post == nil)
        #expect(IncomingRequest(#"{"id":"1","op":"message.edit","data":{"message":"M1","body":"x"}}"#).post == nil)
        for bad in [#"{"id":1,"op":"message.post","data":{}}"#, #"{"id":"1","op":"message.post","data":{"#, "[]", "nope"] {
            let request = IncomingRequest(bad)
            #expect(request.envelope == nil && request.post == nil, "\(bad)")
        }
    }
}
