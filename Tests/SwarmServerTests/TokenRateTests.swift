import Foundation
import FoundationNetworking
import SwarmProtocol
import Testing

@Suite("Rate allowance per token", .hangGuard)
struct TokenRateTests {
    @Test("a second connection with the same token shares the allowance, and so do its HTTP requests")
    func perTokenRate() async throws {
        try await withServer(configure: { $0.opsPerSecond = 1; $0.opsBurst = 4 }) { server in
            let token = try await server.user("bot", role: .bot)
            let a = try await TestClient.connect(url: server.url, token: token)
            let b = try await TestClient.connect(url: server.url, token: token)
            for _ in 0..<4 { #expect(try await a.refusal(.ping, Empty()) == nil) }
            #expect(try await b.refusal(.ping, Empty()) == .rateLimited, "a second connection got its own allowance")
            let http = try await httpPost(port: server.server.port, "/v1/cases/interactions", token: token, body: Data("{}".utf8))
            #expect(http.status == 429 && http.errorCode == "rate_limited", "\(http.status) \(http.json)")
        }
    }
}
