import Foundation
import GRDB
import Logging
import Synchronization
import SwarmCore
import SwarmProtocol
import SwarmServer
import Testing

/// A clock the test moves by hand: the server's SLA rules and scheduler read it, so no test waits
/// for real SLA minutes.
final class ManualClock: Sendable {
    private let date: Mutex<Date>
    init(_ start: Date) { date = Mutex(start) }
    var now: Date { date.withLock { $0 } }
    func set(_ d: Date) { date.withLock { $0 = d } }
    var source: @Sendable () -> Date { { self.now } }
}

/// SLA clocks end to end: warnings and breaches fire at the injected times, once, to the people
/// who may see the case; pending pauses; business hours and holidays; a restart catches up.
@Suite("SLA policies, clocks and alerts", .hangGuard)
struct SLAFlowTests {
    static func t(_ s: String) -> Date { Timestamp.parse(s)! }
    static let t0 = t("2026-03-03T09:00:00.000Z")
    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    static let quick = """
        [sla]
        leads_channel = "leads"
        [sla.policy.quick]
        order = 1
        channel = "support"
        public = true
        first_response_minutes = 15
        next_response_minutes = 30
        """

    static let office = """
        [sla.calendar.rome_office]
        time_zone = "Europe/Rome"
        mon = ["09:00-18:00"]
        tue = ["09:00-18:00"]
        wed = ["09:00-18:00"]
        thu = ["09:00-18:00"]
        fri = ["09:00-18:00"]
        holidays = ["2026-12-25"]
        [sla.policy.office]
        first_response_minutes = 120
        calendar = "rome_office"
        """

    /// A server on `directory` (a fresh one when nil) whose SLA clock is `clock`.
    static func start(_ clock: ManualClock, toml: String, directory: URL? = nil) async throws -> TestServer {
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("swarm-sla-\(UUID().uuidString)")
        return try await TestServer.start(directory: dir, configure: { try $0.apply(toml: toml, source: "test") }, slaClock: clock.source)
    }

    static func contact(_ text: String, at: Date, id: String, isPublic: Bool = true) -> InteractionRequest {
        InteractionRequest(identity: Identity(channel: .twitter, handle: "@maria"), channel: .twitter, direction: .inbound, text: text,
                           at: Timestamp.format(at), externalId: id, isPublic: isPublic)
    }

    static func fired(_ server: TestServer) async throws -> [String] {
        try await server.store.backend.read { db in
            try db.fetchAll("SELECT clock, level FROM sla_alerts WHERE fired_at IS NOT NULL ORDER BY due_at").map { "\($0["clock"] as String)/\($0["level"] as String)" }
        }
    }

    static func loggedAlerts(_ server: TestServer) async throws -> Int {
        try await server.store.backend.read { db in try db.fetchOne(Int.self, "SELECT COUNT(*) FROM events WHERE type LIKE 'sla.%'") ?? 0 }
    }

    /// Moves the clock and wakes the scheduler, as a change to a case would; the test then waits
    /// for the event it expects.
    static func tick(_ server: TestServer, _ clock: ManualClock, to date: Date) {
        clock.set(date)
        server.server.wakeSLAScheduler()
    }

    /// Moves the clock and runs one scheduler pass to its end; returns how many alerts fired.
    @discardableResult
    static func pass(_ server: TestServer, _ clock: ManualClock, to date: Date) async throws -> Int {
        clock.set(date)
        return try await server.server.runSLAPass()
    }

    @Test("warning at 80% and breach at the deadline, once each, to the owner and the leads channel, never to a reader who may not see the case")
    func warningAndBreach() async throws {
        let clock = ManualClock(Self.t0)
        let server = try await Self.start(clock, toml: Self.quick)
        defer { Task { await server.stop() } }
        let lead = try await server.client("lena", role: .lead)
        let anna = try await server.client("anna")
        let olga = try await server.client("olga")
        // A lead who reads #leads only: the alerts reach her through sla.leads_channel.
        let lara = try await server.client("lara", role: .lead)
        let (botUser, botToken) = try await server.store.createBot(name: "x-bot", scopes: ["case.interaction"], channels: ["support"])
        let bot = try await TestClient.connect(url: server.url, token: botToken)
        _ = try await lead.createChannel("support", kind: .private, members: [anna.userId, botUser.id])
        _ = try await lead.createChannel("leads", members: [olga.userId, lara.userId])
        let opened = try await bot.request(.caseInteraction, Self.contact("Your app charged me twice!", at: Self.at(0), id: "x-1"), as: InteractionReply.self)
        _ = try await anna.request(.caseUpdate, CaseUpdateRequest(caseId: opened.caseId, owner: "me"), as: Case.self)
        let fresh = try await anna.request(.caseGet, CaseRef(caseId: opened.caseId), as: Case.self)
        #expect(fresh.sla.policy == "quick")
        #expect(fresh.sla.firstResponse?.state == "running")
        #expect(fresh.sla.firstResponse?.dueAt == Timestamp.format(Self.at(15)))
        #expect(fresh.sla.dueAt == Timestamp.format(Self.at(15)), "due_at keeps its meaning for older clients")

        #expect(try await Self.pass(server, clock, to: Self.at(11)) == 0)
        #expect(try await Self.fired(server).isEmpty)
        Self.tick(server, clock, to: Self.at(12))
        let warning = try await anna.event("sla.warning")
        #expect(warning.data?["clock"]?.string == "first_response")
        #expect(warning.data?["due_at"]?.string == Timestamp.format(Self.at(15)))
        #expect(warning.data?["case"]?["id"]?.string == opened.caseId)
        _ = try await lead.event("sla.warning")
        _ = try await lara.event("sla.warning") { $0.data?["case"]?["id"]?.string == opened.caseId }
        let card = try await anna.event("message.new") { $0.data?["card"]?["type"]?.string == "sla" }
        #expect(card.data?["thread"]?.string == opened.thread)

        Self.tick(server, clock, to: Self.at(15))
        let breach = try await anna.event("sla.breached")
        #expect(breach.data?["case"]?["sla"]?["first_response"]?["state"]?.string == "breached")
        #expect(breach.data?["case"]?["sla"]?["state"]?.string == "breached")
        _ = try await lead.event("sla.breached")
        #expect(try await Self.pass(server, clock, to: Self.at(40)) == 0, "each fires once")
        #expect(try await Self.fired(server) == ["first_response/warning", "first_response/breach"])
        // olga reads #leads but not the private #support: nothing about the case reached her.
        _ = try await olga.request(.channelList, [String: String]())
        let olgaWarnings = await olga.pending("sla.warning"), olgaBreaches = await olga.pending("sla.breached")
        #expect(olgaWarnings.isEmpty && olgaBreaches.isEmpty)
        // Nor in a replay of the whole log; the lead, who may see every case, gets both replayed.
        for (reader, sees) in [(olga, false), (lead, true), (lara, true)] {
            let replay = try await TestClient.connect(url: server.url, token: reader.token, after: 0)
            _ = try await replay.event("ready")
            let replayed = await replay.pending("sla.warning").count + replay.pending("sla.breached").count
            #expect(sees ? replayed == 2 : replayed == 0, "\(reader.name)")
            await replay.close()
        }

        // A late answer, then a new inbound: the next-response clock starts its own wait.
        _ = try await anna.request(.caseInteraction, InteractionRequest(caseId: opened.caseId, channel: .twitter, direction: .outbound,
                                                                        text: "Sorry! Refunding now.", at: Timestamp.format(Self.at(41))), as: InteractionReply.self)
        clock.set(Self.at(50))
        _ = try await bot.request(.caseInteraction, Self.contact("Still waiting", at: Self.at(50), id: "x-2"), as: InteractionReply.self)
        let waiting = try await anna.request(.caseGet, CaseRef(caseId: opened.caseId), as: Case.self)
        #expect(waiting.sla.firstResponse?.state == "breached" && waiting.sla.firstResponse?.seconds == 41 * 60)
        #expect(waiting.sla.nextResponse?.state == "running" && waiting.sla.nextResponse?.dueAt == Timestamp.format(Self.at(80)))
        Self.tick(server, clock, to: Self.at(80))
        let next = try await anna.event("sla.breached") { $0.data?["clock"]?.string == "next_response" }
        #expect(next.data?["due_at"]?.string == Timestamp.format(Self.at(80)))
    }

    @Test("pending pauses the clocks: no alert while waiting on the customer, the deadline moves by the pause")
    func pendingPauses() async throws {
        let clock = ManualClock(Self.t0)
        let server = try await Self.start(clock, toml: Self.quick)
        defer { Task { await server.stop() } }
        let anna = try await server.client("anna", role: .lead)
        _ = try await anna.createChannel("support")
        let opened = try await anna.request(.caseInteraction, Self.contact("Where is my order?", at: Self.at(0), id: "x-1"), as: InteractionReply.self)
        clock.set(Self.at(5))
        let pending = try await anna.request(.caseUpdate, CaseUpdateRequest(caseId: opened.caseId, status: .pending), as: Case.self)
        #expect(pending.sla.firstResponse?.state == "paused")
        #expect(try await Self.pass(server, clock, to: Self.at(60)) == 0)
        let resumed = try await anna.request(.caseUpdate, CaseUpdateRequest(caseId: opened.caseId, status: .open), as: Case.self)
        #expect(resumed.sla.firstResponse?.state == "running")
        #expect(resumed.sla.firstResponse?.dueAt == Timestamp.format(Self.at(70)), "5 minutes ran before the pause, 10 are left")
        #expect(try await Self.pass(server, clock, to: Self.at(66)) == 0)
        Self.tick(server, clock, to: Self.at(67))
        _ = try await anna.event("sla.warning")
        Self.tick(server, clock, to: Self.at(70))
        _ = try await anna.event("sla.breached")
    }

    @Test("business hours and a holiday: a contact on Christmas Eve at 17:00 is due on Monday at 10:00 Rome time")
    func businessHoursAndHoliday() async throws {
        let clock = ManualClock(Self.t("2026-12-24T16:00:00.000Z"))
        let server = try await Self.start(clock, toml: Self.office)
        defer { Task { await server.stop() } }
        let anna = try await server.client("anna", role: .lead)
        _ = try await anna.createChannel("support")
        let opened = try await anna.request(.caseInteraction, Self.contact("Invoice is wrong", at: clock.now, id: "m-1", isPublic: false), as: InteractionReply.self)
        let c = try await anna.request(.caseGet, CaseRef(caseId: opened.caseId), as: Case.self)
        #expect(c.sla.policy == "office")
        #expect(c.sla.firstResponse?.dueAt == "2026-12-28T09:00:00.000Z")
        // 96 minutes of work = 80%: one hour on Thursday, 36 minutes on Monday.
        #expect(try await Self.pass(server, clock, to: Self.t("2026-12-25T12:00:00.000Z")) == 0)
        #expect(try await Self.pass(server, clock, to: Self.t("2026-12-28T08:35:00.000Z")) == 0, "Christmas and the weekend do not count")
        Self.tick(server, clock, to: Self.t("2026-12-28T08:36:00.000Z"))
        _ = try await anna.event("sla.warning")
        Self.tick(server, clock, to: Self.t("2026-12-28T09:00:00.000Z"))
        _ = try await anna.event("sla.breached")
        #expect(try await Self.fired(server) == ["first_response/warning", "first_response/breach"])
    }

    @Test("after a restart on the same database, an alert that fell due while down fires once; none fires twice")
    func firesOnceAcrossRestart() async throws {
        let clock = ManualClock(Self.t0)
        var server = try await Self.start(clock, toml: Self.quick)
        let dir = server.directory
        let (_, annaToken) = try await server.store.createUser(name: "anna", role: .lead, skills: [])
        var anna = try await TestClient.connect(url: server.url, token: annaToken)
        _ = try await anna.createChannel("support")
        let opened = try await anna.request(.caseInteraction, Self.contact("Refund please", at: Self.at(0), id: "x-1"), as: InteractionReply.self)
        Self.tick(server, clock, to: Self.at(12))
        _ = try await anna.event("sla.warning")
        await anna.close()
        await server.server.stop()

        // Down while the deadline passes.
        clock.set(Self.at(20))
        server = try await Self.start(clock, toml: Self.quick, directory: dir)
        // The scheduler's first pass catches up on its own; anna sees the breach live or replayed.
        anna = try await TestClient.connect(url: server.url, token: annaToken, after: 0)
        _ = try await anna.event("sla.breached")
        #expect(try await Self.fired(server) == ["first_response/warning", "first_response/breach"])
        #expect(try await Self.loggedAlerts(server) == 2)
        await anna.close()
        await server.server.stop()

        // And once more: nothing new fires.
        server = try await Self.start(clock, toml: Self.quick, directory: dir)
        #expect(try await Self.pass(server, clock, to: Self.at(30)) == 0)
        #expect(try await Self.loggedAlerts(server) == 2)
        anna = try await TestClient.connect(url: server.url, token: annaToken)
        let c = try await anna.request(.caseGet, CaseRef(caseId: opened.caseId), as: Case.self)
        #expect(c.sla.firstResponse?.state == "breached")
        await anna.close()
        await server.stop()
    }

    @Test("config mistakes stop the start-up and name the key")
    func configErrors() throws {
        func error(_ toml: String) -> String {
            var c = ServerConfig()
            do { try c.apply(toml: toml, source: "t"); return "" } catch { return "\(error)" }
        }
        #expect(error("[sla.policy.a]\nfirst_response_minutes = 15\nfoo = 1\n").contains("sla.policy.a.foo"))
        #expect(error("[sla.policy.a]\nfirst_response_minutes = 15\ncalendar = \"office\"\n").contains("sla.policy.a.calendar"))
        #expect(error("[sla.calendar.c]\ntime_zone = \"Mars/Olympus\"\nmon = [\"09:00-18:00\"]\n").contains("sla.calendar.c.time_zone"))
        #expect(error("[sla.calendar.c]\ntime_zone = \"Europe/Rome\"\nmon = [\"9-18\"]\n").contains("sla.calendar.c.mon"))
        #expect(error("[sla.calendar.c]\ntime_zone = \"Europe/Rome\"\nmon = [\"09:00-18:00\"]\nholidays = [\"2026-13-01\"]\n").contains("sla.calendar.c.holidays"))
        #expect(error("[sla.policy.a]\npriority = \"asap\"\nfirst_response_minutes = 15\n").contains("sla.policy.a.priority"))
        #expect(error("[sla.policy.a]\norder = 1\n").contains("sla.policy.a"))
        #expect(error("[sla]\nwarning_share = 2\n").contains("sla.warning_share"))
        var c = ServerConfig()
        try c.apply(toml: Self.office + "\n" + Self.quick, source: "t")
        #expect(c.slaPolicies.map(\.name) == ["office", "quick"])
        #expect(c.slaPolicies[0].calendar.holidays == ["2026-12-25"])
        #expect(c.slaLeadsChannel == "leads")
    }
}
