import Foundation
import SwarmCore
import SwarmProtocol
import Testing

/// Every case, customer and knowledge-base op, fed empty, wrongly typed, oversized and dangling data: each answer
/// is a clear refusal (never `internal`), and the server keeps serving.
@Suite("Case ops survive hostile input", .hangGuard)
struct CaseBadInputTests {
    static let shapes: [JSONValue] = [
        .object([:]),
        .object(["case": .number(7), "customer": .bool(true), "channel": .array([]), "text": .number(1), "title": .null]),
        .object(["case": .string("CS999999"), "customer": .string("CU999999"), "channel": .string("#nowhere"), "text": .string("hi"),
                 "title": .string("t"), "identity": .object(["channel": .string("pigeon"), "handle": .string("x")])]),
        .object(["case": .string("C1"), "customer": .string("U1"), "into": .string("CU1"), "from": .string("CU1"), "to": .string("@nobody"),
                 "note": .string(String(repeating: "long words here ", count: 400)), "system": .string("Not A Name!"), "key": .string(""),
                 "channel": .string("whatsapp"), "direction": .string("sideways"), "text": .string(String(repeating: "x", count: 20_000)),
                 "message": .string("M999999"), "mark": .string("maybe"), "status": .string("frozen"), "limit": .number(-5)]),
        .object(["article": .string("KB999999"), "query": .string("*)( \" NEAR"), "thread": .string("M999999"), "version": .number(-1),
                 "title": .string(""), "body": .string(""), "state": .string("published"), "language": .string("english!"), "case": .string("CS1")]),
        .object(["article": .number(5), "query": .number(7), "tags": .string("x"), "audience": .string("everyone")]),
        .array([.number(1)]),
        .string("nope"),
    ]

    @Test("no op answers internal; stored state is intact afterwards")
    func hostileData() async throws {
        try await withServer { server in
            let lead = try await server.client("lena", role: .lead)
            _ = try await lead.createChannel("support")
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Keep me", identity: Identity(channel: .email, handle: "a@example.com"), channel: "#support"), as: Case.self)
            let ops = CasePermissions.caseOps + [.messageMark] + Op.allCases.filter { $0.rawValue.hasPrefix("kb.") }
            for op in ops {
                for data in Self.shapes {
                    let reply = try await lead.conn.send(op.rawValue, data)
                    if reply.ok == true { continue }   // e.g. case.list ignores unknown fields
                    let code = try #require(reply.error?.code, "\(op.rawValue) answered neither ok nor an error")
                    #expect(code != .internal, "\(op.rawValue) with \(data.description.prefix(120)) → internal: \(reply.error?.message ?? "")")
                }
            }
            // The case is untouched and the server still answers.
            let again = try await lead.request(.caseGet, CaseRef(caseId: c.id), as: Case.self)
            #expect(again.title == "Keep me" && again.status == .open)
        }
    }
}
