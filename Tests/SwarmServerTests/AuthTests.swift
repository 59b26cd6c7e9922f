import Foundation
import SwarmClient
import SwarmProtocol
import Testing

@Suite("Sessions and tokens", .hangGuard)
struct AuthTests {
    @Test("a token in the upgrade's Authorization header works; hello reports the protocol")
    func headerToken() async throws {
        try await withServer { server in
            let token = try await server.user("alice")
            let conn = try await SwarmConnection.connect(url: server.url, hello: HelloRequest(token: nil, client: "t"), headerToken: token)
            #expect(conn.hello?.protocol == ProtocolInfo.version)
            #expect(conn.hello?.user.name == "alice")
            await conn.close()
        }
    }

    @Test("wrong token: unauthorized, then close 4001")
    func wrongToken() async throws {
        try await withServer { server in
            let conn = try await SwarmConnection.connect(url: server.url, hello: nil)
            let reply = try await conn.send("hello", HelloRequest(token: "swt_nope", client: "t"))
            #expect(reply.error?.code == .unauthorized)
            #expect(await conn.closed().code == 4001)
        }
    }

    @Test("revoking a token closes its open sessions with 4001 and refuses it afterwards")
    func revoke() async throws {
        try await withServer { server in
            let admin = try await server.client("root", role: .admin)
            let alice = try await server.client("alice")
            #expect(try await alice.refusal(.tokenRevoke, TokenRevokeRequest(user: "root")) == .forbidden)
            let n = try await admin.request(.tokenRevoke, TokenRevokeRequest(user: "alice"), as: TokenRevokeReply.self)
            #expect(n.revoked == 1)
            #expect(await alice.conn.closed().code == 4001)
            await #expect(throws: SwarmError(.unauthorized, "unknown or revoked token")) {
                _ = try await TestClient.connect(url: server.url, token: alice.token)
            }
        }
    }

    @Test("no hello in time: close 4002")
    func helloTimeout() async throws {
        try await withServer(configure: { $0.helloTimeoutSeconds = 1 }) { server in
            let conn = try await SwarmConnection.connect(url: server.url, hello: nil)
            #expect(await conn.closed().code == 4002)
        }
    }

    @Test("admins create users over the socket; others may not")
    func userCreate() async throws {
        try await withServer { server in
            let admin = try await server.client("root", role: .admin)
            let agent = try await server.client("alice")
            let made = try await admin.request(.userCreate, UserCreateRequest(name: "newbie", role: .agent, skills: ["Billing"]), as: UserCreateReply.self)
            #expect(made.user.skills == ["billing"])
            let newbie = try await TestClient.connect(url: server.url, token: made.token)
            #expect(newbie.name == "newbie")
            #expect(try await agent.refusal(.userCreate, UserCreateRequest(name: "x", role: .admin)) == .forbidden)
            #expect(try await admin.refusal(.userCreate, UserCreateRequest(name: "newbie", role: .agent)) == .conflict)
        }
    }
}
