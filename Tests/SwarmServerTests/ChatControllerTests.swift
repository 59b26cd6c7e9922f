import Foundation
import SwarmProtocol
import SwarmTUI
import Testing

/// The terminal client's controller against a live server, without a terminal.
@Suite("Chat controller", .hangGuard)
struct ChatControllerTests {
    /// Waits (with a deadline) until the controller's model satisfies `predicate`.
    func until(_ controller: ChatController, _ what: String, seconds: Double = 10, _ predicate: @escaping @Sendable (ChatModel) -> Bool) async throws {
        guard await controller.waitUntil(seconds: seconds, predicate) else { throw Timeout(what: what) }
    }

    @Test("loads channels and history, pages older history, posts, follows slash commands")
    func loadPostAndPage() async throws {
        try await withServer { server in
            let bob = try await server.client("bob")
            let aliceToken = try await server.user("alice")
            let channel = try await bob.createChannel("support", members: ["alice"])
            for i in 0..<150 { _ = try await bob.post(channel.id, "message \(i)") }

            let controller = ChatController(url: server.url, token: aliceToken)
            await controller.start()
            try await until(controller, "history loaded") { $0.currentChannel?.messages.count == 100 }
            let loaded = try await controller.loadOlder()
            #expect(loaded == 50)
            let model = await controller.model
            #expect(model.currentChannel?.messages.first?.body == "message 0")
            #expect(model.currentChannel?.olderCursor == nil)

            await controller.send("hello from the controller")
            let ev = try await bob.event("message.new") { $0.data?["body"]?.string == "hello from the controller" }
            #expect(ev.data?["author_name"]?.string == "alice")

            #expect(await InteractiveApp.submit("/create #escalations private", to: controller))
            try await until(controller, "the new channel is current") { $0.currentChannel?.channel.name == "escalations" }
            #expect(await InteractiveApp.submit("/jion #support", to: controller))
            try await until(controller, "a did-you-mean notice") { $0.notices.contains { $0.text.contains("did you mean /join") } }
            #expect(await !InteractiveApp.submit("/quit", to: controller))
            await controller.stop()
        }
    }
}
