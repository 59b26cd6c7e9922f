import SwarmProtocol
import SwarmTUI
import Testing

/// `/case interaction [CS12] channel [in|out] text`: outbound unless `in` says otherwise.
@Suite("Logging a contact made outside Swarm")
struct LoggedContactTests {
    @Test func channelDirectionAndText() throws {
        #expect(try LoggedContact.parse(["phone", "Called", "back"]) == LoggedContact(channel: .phone, direction: .outbound, text: "Called back"))
        #expect(try LoggedContact.parse(["Email", "in", "She", "thanked", "us"]) == LoggedContact(channel: .email, direction: .inbound, text: "She thanked us"))
        #expect(try LoggedContact.parse(["whatsapp", "out", "in", "a", "minute"]).text == "in a minute", "only the first word after the channel is a direction")
        #expect(throws: SwarmError.self) { try LoggedContact.parse(["pigeon", "hello"]) }
        #expect(throws: SwarmError.self) { try LoggedContact.parse(["phone", "in"]) }
        #expect(throws: SwarmError.self) { try LoggedContact.parse([]) }
    }
}
