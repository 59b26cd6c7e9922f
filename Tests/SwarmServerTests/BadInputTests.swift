import Foundation
import SwarmClient
import SwarmProtocol
import Testing

@Suite("Hostile input is answered, logged and survived", .hangGuard)
struct BadInputTests {
    /// Sends raw text and returns the next frame the server sends back.
    func exchange(_ conn: SwarmConnection, _ text: String) async throws -> ServerFrame {
        try await conn.sendRaw(text)
        return try await nextFrame(conn)
    }

    func nextFrame(_ conn: SwarmConnection, seconds: Double = 20) async throws -> ServerFrame {
        try await withThrowingTaskGroup(of: ServerFrame?.self) { group in
            group.addTask {
                for await frame in conn.events { return frame }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                throw Timeout(what: "a frame")
            }
            defer { group.cancelAll() }
            guard let frame = try await group.next() ?? nil else { throw Timeout(what: "a frame (stream ended)") }
            return frame
        }
    }

    @Test("malformed frames each get their error code; the connection and other users carry on")
    func malformedFrames() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let channel = try await alice.createChannel("support", members: ["bob"])
            let before = try await alice.post(channel.id, "before the storm")

            let raw = try await SwarmConnection.connect(url: server.url, hello: nil)
            // Before hello: nothing but hello is accepted.
            var f = try await exchange(raw, #"{"id":"1","op":"channel.list","data":{}}"#)
            #expect(f.re == "1" && f.error?.code == .unauthorized)
            f = try await exchange(raw, "this is not json")
            #expect(f.re == nil && f.error?.code == .badRequest)
            f = try await exchange(raw, #"[1,2,3]"#)
            #expect(f.error?.code == .badRequest)
            f = try await exchange(raw, #"{"id":7,"op":"ping"}"#)
            #expect(f.error?.code == .badRequest, "id must be a string")
            try await raw.sendBinary([0, 1, 2, 3])
            f = try await nextFrame(raw)
            #expect(f.error?.code == .badRequest)
            f = try await exchange(raw, #"{"id":"2","op":"rm -rf","data":{}}"#)
            #expect(f.re == "2" && f.error?.code == .unsupported)

            // Now hello, then wrongly shaped data.
            f = try await exchange(raw, #"{"id":"3","op":"hello","data":{"token":"\#(alice.token)"}}"#)
            #expect(f.re == "3" && f.ok == true)
            #expect(try await nextFrame(raw).ev == "ready")
            f = try await exchange(raw, #"{"id":"4","op":"message.post","data":{"channel":42,"body":"x"}}"#)
            #expect(f.error?.code == .badRequest && f.error?.message.contains("channel") == true)
            f = try await exchange(raw, #"{"id":"5","op":"message.post","data":{"channel":"\#(channel.id)"}}"#)
            #expect(f.error?.code == .badRequest && f.error?.message.contains("body") == true)
            f = try await exchange(raw, #"{"id":"6","op":"message.post","data":"nope"}"#)
            #expect(f.error?.code == .badRequest)
            f = try await exchange(raw, #"{"id":"7","op":"history","data":{"channel":"C999999"}}"#)
            #expect(f.error?.code == .notFound)
            f = try await exchange(raw, #"{"id":"8","op":"hello","data":{"token":"\#(alice.token)"}}"#)
            #expect(f.error?.code == .badRequest, "a second hello is refused")
            f = try await exchange(raw, #"{"id":"9","op":"message.post","data":{"channel":"\#(channel.id)","body":"\#(String(repeating: "x", count: 20_000))"}}"#)
            #expect(f.error?.code == .tooLarge)

            // Over the frame limit (64 KiB): too_large, and the connection stays usable.
            f = try await exchange(raw, #"{"id":"10","op":"ping","pad":"\#(String(repeating: "a", count: 70_000))"}"#)
            #expect(f.error?.code == .tooLarge)
            f = try await exchange(raw, #"{"id":"11","op":"ping"}"#)
            #expect(f.re == "11" && f.ok == true)

            // Other users were never disturbed, and nothing stored was lost.
            let after = try await alice.post(channel.id, "after the storm")
            #expect(try await bob.event("message.new") { $0.data?["id"]?.string == after.id }.seq != nil)
            let history = try await bob.request(.history, HistoryRequest(channel: channel.id), as: HistoryReply.self)
            #expect(history.messages.map(\.id) == [before.id, after.id])
            await raw.close()
        }
    }

    @Test("a 10 MB frame closes only that socket with 1009; the server stays up")
    func hugeFrame() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("support")
            let raw = try await SwarmConnection.connect(url: server.url, hello: nil)
            try? await raw.sendRaw(#"{"id":"1","op":"ping","pad":""# + String(repeating: "z", count: 10 << 20) + #""}"#)
            #expect(await raw.closed().code == 1009)
            let still = try await alice.post(channel.id, "still here")
            #expect(still.body == "still here")
            let fresh = try await TestClient.connect(url: server.url, token: alice.token)
            #expect(fresh.name == "alice")
        }
    }
}

@Suite("Request floods", .hangGuard)
struct RateLimitTests {
    @Test("a flooding connection gets rate_limited replies; others are not affected")
    func flood() async throws {
        // One token a second: even when the shared box stalls for seconds mid-flood, the bucket
        // refills far slower than 40 requests arrive. The bound follows the time the flood took.
        try await withServer(configure: { $0.opsPerSecond = 1; $0.opsBurst = 10 }) { server in
            let flooder = try await server.client("flooder")
            let calm = try await server.client("calm")
            let started = ContinuousClock.now
            let replies = try await withThrowingTaskGroup(of: ErrorCode?.self) { group in
                for _ in 0..<40 { group.addTask { try await flooder.refusal(.ping, Empty()) } }
                var codes: [ErrorCode?] = []
                for try await code in group { codes.append(code) }
                return codes
            }
            let took = ContinuousClock.now - started
            let refilled = Int(took.components.seconds) + 1
            let answered = replies.filter { $0 == nil }.count
            let limited = replies.filter { $0 == .rateLimited }.count
            #expect(answered + limited == 40, "only answers or rate_limited")
            #expect(answered <= 10 + refilled, "\(answered) answered in \(took): burst 10 + \(refilled) refilled at most")
            #expect(answered >= 9, "the burst went through")
            #expect(limited > 0 || refilled >= 30, "a flood within 30 s is refused in part")
            #expect(try await calm.refusal(.ping, Empty()) == nil)
        }
    }
}
