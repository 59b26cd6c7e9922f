import Foundation
import SwarmCore
import SwarmProtocol
import SwarmStore
import Testing

/// Walks every role × case op over real sockets and checks the answer against the table in
/// CasePermissions (and PROTOCOL.md): allowed ops succeed, denied ones answer `forbidden`.
@Suite("Case permissions: every role × every case op", .hangGuard)
struct CasePermissionTests {
    final class World: Sendable {
        let server: TestServer
        let lead: TestClient
        let clients: [Role: TestClient]
        let counter = Locked(0)
        /// Cases each role was swarmed into, to check what `case.list` shows them.
        let swarmedInto = Locked<[Role: Set<String>]>([:])

        init(server: TestServer, lead: TestClient, clients: [Role: TestClient]) {
            self.server = server
            self.lead = lead
            self.clients = clients
        }

        func next() -> Int { counter.withLock { $0 += 1; return $0 } }

        /// A fresh case owned by the lead in #support, with one linked ticket.
        func freshCase() async throws -> (caseInfo: Case, ticket: String) {
            let n = next()
            let c = try await lead.request(.caseOpen, CaseOpenRequest(title: "Case \(n)", identity: Identity(channel: .email, handle: "c\(n)@example.com"),
                                                                      customerName: "Customer \(n)", channel: "#support"), as: Case.self)
            _ = try await lead.request(.caseLinkTicket, CaseTicketRequest(caseId: c.id, system: "zendesk", key: "ZD-\(n)"))
            return (c, "ZD-\(n)")
        }

        /// A request for `op` that succeeds when the caller is allowed to make it.
        func request(for op: Op) async throws -> JSONValue {
            let (c, ticket) = try await freshCase()
            let n = next()
            func json<T: Encodable>(_ value: T) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value)) }
            switch op {
            case .customerCreate: return try json(CustomerCreateRequest(name: "New \(n)"))
            case .customerFind: return try json(CustomerFindRequest(query: "Customer"))
            case .customerUpdate: return try json(CustomerUpdateRequest(customer: c.customer, notes: "prefers email"))
            case .customerMerge:
                let other = try await lead.request(.customerCreate, CustomerCreateRequest(name: "Dup \(n)"), as: Customer.self)
                return try json(CustomerMergeRequest(into: c.customer, from: other.id))
            case .customerTimeline: return try json(CustomerTimelineRequest(customer: c.customer))
            case .caseOpen: return try json(CaseOpenRequest(title: "Opened \(n)", customer: c.customer, channel: "#support"))
            case .caseGet, .caseJoin: return try json(CaseRef(caseId: c.id))
            case .caseList: return try json(CaseListRequest())
            case .caseUpdate: return try json(CaseUpdateRequest(caseId: c.id, priority: .high))
            case .caseLinkTicket: return try json(CaseTicketRequest(caseId: c.id, system: "jira", key: "J-\(n)"))
            case .caseUnlinkTicket: return try json(CaseTicketRequest(caseId: c.id, system: "zendesk", key: ticket))
            case .ticketLookup: return try json(TicketRef(system: "zendesk", key: ticket))
            case .caseInteraction: return try json(InteractionRequest(caseId: c.id, channel: .email, direction: .inbound, text: "hello again", externalId: "mail-\(n)"))
            case .caseNote: return try json(CaseNoteRequest(caseId: c.id, text: "internal note"))
            case .caseFact: return try json(CaseFactRequest(caseId: c.id, key: "order_number", value: "\(n)"))
            case .caseHelpers: return try json(CaseHelpersRequest(caseId: c.id))
            case .caseSwarm: return try json(CaseSwarmRequest(caseId: c.id, users: ["helper"], message: "can you look?"))
            case .caseHandoff: return try json(CaseHandoffRequest(caseId: c.id, to: "@helper", note: "Please take over, the customer needs a callback."))
            case .caseBrief: return try json(CaseBriefRequest(caseId: c.id))
            case .caseCsat:
                // CSAT is recorded only once a case is solved.
                _ = try await lead.request(.caseUpdate, CaseUpdateRequest(caseId: c.id, status: .solved), as: Case.self)
                return try json(CaseCSATRequest(caseId: c.id, score: 5))
            case .replyCheck: return try json(ReplyCheckRequest(caseId: c.id, text: "Thanks for writing to us"))
            default: throw Timeout(what: "a request shape for \(op.rawValue)")
            }
        }
    }

    static func world(_ server: TestServer) async throws -> World {
        let lead = try await TestClient.connect(url: server.url, token: try await server.user("lena", role: .lead))
        _ = try await lead.createChannel("support")
        _ = try await server.user("helper", role: .agent, skills: ["billing"])
        var clients: [Role: TestClient] = [:]
        for role in Role.allCases where role != .bot {
            clients[role] = try await TestClient.connect(url: server.url, token: try await server.user("u-\(role.rawValue)", role: role))
        }
        let scopes = CasePermissions.botScopableOps.map(\.rawValue)
        let (_, botToken) = try await server.store.createBot(name: "u-bot", scopes: scopes, channels: ["support*"])
        clients[.bot] = try await TestClient.connect(url: server.url, token: botToken)
        return World(server: server, lead: lead, clients: clients)
    }

    /// Sends `op` as `role`, after swarming that user into the case when `swarmed`.
    static func outcome(_ w: World, _ role: Role, _ op: Op, swarmed: Bool) async throws -> ServerFrame {
        let data = try await w.request(for: op)
        if swarmed {
            // Listing has no case in its request: swarm into a fresh one so the list has something.
            var caseId = data["case"]?.string
            if caseId == nil { caseId = try await w.freshCase().caseInfo.id }
            _ = try await w.lead.request(.caseSwarm, CaseSwarmRequest(caseId: caseId!, users: ["u-\(role.rawValue)"], message: "need you here"))
            w.swarmedInto.withLock { _ = $0[role, default: []].insert(caseId!) }
        }
        return try await w.clients[role]!.conn.send(op.rawValue, data)
    }

    @Test("each role gets exactly what the table grants")
    func everyRoleEveryOp() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            for role in Role.allCases {
                for op in CasePermissions.caseOps {
                    let access = CasePermissions.access(role, op)
                    let plain = try await Self.outcome(w, role, op, swarmed: false)
                    switch access {
                    case .any, .scoped:
                        #expect(plain.ok == true, "\(role.rawValue) \(op.rawValue) should be allowed: \(plain.error?.message ?? "")")
                    case .none:
                        #expect(plain.error?.code == .forbidden, "\(role.rawValue) \(op.rawValue) should be forbidden, got \(plain.ok == true ? "ok" : plain.error?.code.rawValue ?? "?")")
                    case .swarmed:
                        if op == .caseList {
                            // Allowed, but shows only the cases this user was swarmed into.
                            let listed = Set(plain.data?["cases"]?.array?.compactMap { $0["id"]?.string } ?? [])
                            let mine = w.swarmedInto.withLock { $0[role] ?? [] }
                            #expect(plain.ok == true && listed.isSubset(of: mine), "\(role.rawValue) case.list shows \(listed.subtracting(mine))")
                        } else {
                            #expect(plain.error?.code == .forbidden, "\(role.rawValue) \(op.rawValue) outside a swarm should be forbidden")
                        }
                        let inSwarm = try await Self.outcome(w, role, op, swarmed: true)
                        #expect(inSwarm.ok == true, "\(role.rawValue) \(op.rawValue) in a swarm should be allowed: \(inSwarm.error?.message ?? "")")
                    }
                }
            }
        }
    }

    @Test("a bot token without scopes, or scoped to other channels, is refused every case op")
    func botWithoutScopes() async throws {
        try await withServer { server in
            let w = try await Self.world(server)
            let plainBot = try await server.client("plain-bot", role: .bot)
            let (_, elsewhereToken) = try await server.store.createBot(name: "sales-bot", scopes: CasePermissions.botScopableOps.map(\.rawValue), channels: ["sales-*"])
            let elsewhere = try await TestClient.connect(url: server.url, token: elsewhereToken)
            for op in CasePermissions.caseOps {
                let data = try await w.request(for: op)
                let reply = try await plainBot.conn.send(op.rawValue, data)
                #expect(reply.error?.code == .forbidden, "unscoped bot \(op.rawValue)")
                // Ops bound to a case in #support are refused for a bot scoped to sales-*.
                if data["case"] != nil || op == .ticketLookup || op == .caseOpen {
                    let other = try await elsewhere.conn.send(op.rawValue, data)
                    #expect(other.error?.code == .forbidden, "sales-* bot \(op.rawValue) on #support")
                }
            }
        }
    }
}
