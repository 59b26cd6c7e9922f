import Foundation
import FoundationNetworking
import SwarmProtocol
import Testing

@Suite("Bot HTTP endpoints and Content-Type", .hangGuard)
struct BotContentTypeTests {
    @Test("bot HTTP endpoints refuse a body that is not declared as JSON with 415")
    func botContentType() async throws {
        try await withServer { server in
            let token = try await server.user("lead", role: .lead)
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.server.port)/v1/cases/interactions")!)
            request.httpMethod = "POST"
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(#"{"identity":{"channel":"email","handle":"a@example.com"},"channel":"email","direction":"inbound","text":"hi"}"#.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 415)
            let json = try JSONDecoder().decode(JSONValue.self, from: data)
            #expect(json["error"]?["code"]?.string == "bad_request", "\(json)")
            // Declared as JSON (with parameters) it is read.
            request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
            let (_, accepted) = try await URLSession.shared.data(for: request)
            #expect((accepted as? HTTPURLResponse)?.statusCode != 415)
            // Without a Content-Type the body is read as JSON (raw request: URLSession adds one).
            let body = Array(#"{"channel":"email"}"#.utf8)
            let raw = try await RawWebSocket.connect(port: server.server.port, handshake: false)
            try await raw.sendRawBytes(Array("POST /v1/cases/interactions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body)
            try await raw.waitForEOF(seconds: 10)
            let answer = await raw.receivedText()
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
            #expect(answer.contains("bad_request"))
        }
    }
}
