import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SwarmProtocol
import Testing

@Suite("Typing, presence, membership and the HTTP endpoints", .hangGuard)
struct PresenceAndHTTPTests {
    @Test("typing reaches the other members only; presence goes to subscribers")
    func typingAndPresence() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bobToken = try await server.user("bob")
            let bob = try await TestClient.connect(url: server.url, token: bobToken, presence: true)
            let outsider = try await server.client("outsider")
            let channel = try await alice.createChannel("support", members: ["bob"])
            _ = try await alice.request(.typing, TypingRequest(channel: channel.id))
            let typing = try await bob.event("typing")
            #expect(typing.seq == nil, "typing is ephemeral")
            #expect(typing.data?["user"]?.string == alice.userId)
            #expect(await alice.pending("typing").isEmpty)
            #expect(await outsider.pending("typing").isEmpty)

            _ = try await alice.request(.presenceSet, PresenceSetRequest(status: .away))
            try await bob.event("presence") { $0.data?["user"]?.string == alice.userId && $0.data?["status"]?.string == "away" }
            let list = try await bob.request(.presenceList, Empty(), as: PresenceListReply.self)
            #expect(list.users.contains(PresenceEntry(user: alice.userId, status: .away)))
            await alice.close()
            try await bob.event("presence") { $0.data?["user"]?.string == alice.userId && $0.data?["status"]?.string == "offline" }
        }
    }

    @Test("invite, members and leave move the routing table")
    func membership() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let bob = try await server.client("bob")
            let channel = try await alice.createChannel("team", kind: .private)
            #expect(try await bob.refusal(.channelInvite, ChannelInviteRequest(channel: channel.id, user: "bob")) == .forbidden)
            _ = try await alice.request(.channelInvite, ChannelInviteRequest(channel: channel.id, user: "@bob"))
            try await bob.event("member.joined") { $0.data?["user"]?.string == bob.userId }
            let members = try await bob.request(.channelMembers, ChannelRef(channel: channel.id), as: ChannelMembersReply.self)
            #expect(members.members.map(\.name) == ["alice", "bob"])
            let m1 = try await alice.post(channel.id, "welcome")
            #expect(try await bob.event("message.new").data?["id"]?.string == m1.id)
            _ = try await bob.request(.channelLeave, ChannelRef(channel: channel.id))
            try await bob.event("member.left")
            _ = try await alice.post(channel.id, "bob is gone")
            let probe = try await alice.createChannel("probe", members: ["bob"])
            let m3 = try await alice.post(probe.id, "probe")
            #expect(try await bob.event("message.new").data?["id"]?.string == m3.id, "nothing from #team after leaving")
            #expect(try await bob.refusal(.history, HistoryRequest(channel: channel.id)) == .forbidden)
        }
    }

    @Test("healthz, readyz and Prometheus metrics over HTTP")
    func httpEndpoints() async throws {
        try await withServer { server in
            let alice = try await server.client("alice")
            let channel = try await alice.createChannel("support")
            _ = try await alice.post(channel.id, "counted")
            _ = try await alice.refusal(.history, HistoryRequest(channel: "C999"))
            let base = "http://127.0.0.1:\(server.server.port)"
            func get(_ path: String) async throws -> (Int, String) {
                let (data, response) = try await URLSession.shared.data(from: URL(string: base + path)!)
                return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
            }
            #expect(try await get("/healthz") == (200, "ok\n"))
            #expect(try await get("/readyz") == (200, "ready\n"))
            let (status, metrics) = try await get("/metrics")
            #expect(status == 200)
            for name in ["swarm_connections", "swarm_frames_in_total", "swarm_frames_out_total", "swarm_commit_seconds_bucket",
                         #"swarm_ops_total{op="message.post",result="ok"}"#, #"swarm_ops_total{op="history",result="not_found"}"#] {
                #expect(metrics.contains(name), "missing \(name)")
            }
        }
    }
}
