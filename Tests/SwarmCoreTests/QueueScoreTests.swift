import Foundation
import SwarmCore
import SwarmProtocol
import Testing

@Suite("Queue score")
struct QueueScoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let rules = QueueRules(dedicatedAccounts: ["@acme_care"])

    func score(_ f: QueueScore.CaseFacts, _ c: QueueScore.Clock) -> (Int, String) {
        let parts = QueueScore.stored(f, rules) + QueueScore.timed(c, now: now, rules.weights)
        return (QueueScore.total(parts), QueueScore.explain(parts))
    }

    @Test("each part is explained, biggest first, and the parts add up to the total")
    func explanation() {
        let facts = QueueScore.CaseFacts(isPublic: true, reach: 48_000, account: "@acme_care")
        let clock = QueueScore.Clock(waitingSince: now.addingTimeInterval(-600), slaDue: now.addingTimeInterval(12 * 60), firstResponsePending: true)
        let (total, why) = score(facts, clock)
        #expect(why == "+38 first response due in 12 min · +30 public post · +13 reach 48k")
        #expect(total == 81)
    }

    @Test("order at a fixed now: SLA pressure and a public post beat a long wait; priority and VIP count")
    func order() {
        let publicSoon = score(QueueScore.CaseFacts(isPublic: true, reach: 48_000),
                               QueueScore.Clock(waitingSince: now.addingTimeInterval(-600), slaDue: now.addingTimeInterval(720), firstResponsePending: true)).0
        let vipWaiting = score(QueueScore.CaseFacts(tier: "Gold", vip: true),
                               QueueScore.Clock(waitingSince: now.addingTimeInterval(-3 * 3600), slaDue: now.addingTimeInterval(20 * 3600),
                                                firstResponsePending: true))
        let lowQuiet = score(QueueScore.CaseFacts(priority: .low), QueueScore.Clock(waitingSince: nil, slaDue: nil, firstResponsePending: false)).0
        #expect(vipWaiting.1 == "+20 VIP customer · +12 gold tier · +12 waiting 3 h")
        #expect(publicSoon > vipWaiting.0)
        #expect(vipWaiting.0 > lowQuiet)
        #expect(lowQuiet == -10)
    }

    @Test("time changes the order without touching the stored part")
    func timeMoves() {
        let stored = QueueScore.stored(QueueScore.CaseFacts(priority: .high), rules)
        let clock = QueueScore.Clock(waitingSince: now, slaDue: now.addingTimeInterval(4 * 3600), firstResponsePending: true)
        let early = QueueScore.total(stored + QueueScore.timed(clock, now: now, rules.weights))
        let later = QueueScore.total(stored + QueueScore.timed(clock, now: now.addingTimeInterval(3 * 3600), rules.weights))
        let overdue = QueueScore.timed(clock, now: now.addingTimeInterval(5 * 3600), rules.weights)
        #expect(early == 15)
        #expect(later == 15 + 12 + 30)
        #expect(overdue.map(\.text) == ["+20 waiting 5 h", "+40 first response overdue by 1 h"])
        // Pending waits on the customer: no time parts.
        #expect(QueueScore.timed(QueueScore.Clock(waitingSince: now, slaDue: now, firstResponsePending: true, paused: true),
                                 now: now.addingTimeInterval(86_400), rules.weights).isEmpty)
    }

    @Test("reach is logarithmic and capped below a public post")
    func reach() {
        let w = QueueWeights()
        #expect(QueueScore.reachPoints(50, w) == 0)
        #expect(QueueScore.reachPoints(10_000, w) == 10)
        #expect(QueueScore.reachPoints(1_000_000, w) == 20)
        #expect(QueueScore.reachPoints(500_000_000, w) == 20)
        #expect(QueueScore.reachPoints(500_000_000, w) < w.publicPost)
    }

    @Test("a non-care brand account counts; urgency words are capped")
    func accountAndUrgency() {
        let parts = QueueScore.stored(QueueScore.CaseFacts(account: "@acme", urgencyHits: ["cancel*", "lawyer*", "refund*", "truffa"]), rules)
        #expect(parts.map(\.text) == ["+10 reached @acme (not a care account)", "+36 urgent words: cancel…, lawyer…, refund…, truffa"])
    }

    @Test("urgency words match normalized words with accents folded; prefixes with *")
    func urgencyWords() throws {
        let words = UrgencyWords()
        #expect(words.hits(in: "Voglio il RIMBORSO!! è una TRUFFA, conto bloccato") == ["bloccat*", "rimbors*", "truffa"])
        #expect(words.hits(in: "I'll call my lawyer and cancel.") == ["cancel*", "lawyer*"])
        #expect(words.hits(in: "thanks, all good").isEmpty)
        #expect(words.hits(in: "scammer? no: cancellation") == ["cancel*", "scam*"])
        let accented = UrgencyWords([["disservìzio"]])
        #expect(accented.hits(in: "DISSERVIZIO in corso") == ["disservizio"])
        try UrgencyWords.validate(["rimbors*", "Truffa"])
        #expect(throws: UrgencyWords.Invalid.self) { try UrgencyWords.validate(["two words"]) }
        #expect(throws: UrgencyWords.Invalid.self) { try UrgencyWords.validate(["*"]) }
    }

    @Test("tiers parse from name=points; bad entries are refused")
    func tiers() throws {
        #expect(try QueueWeights.parseTiers([" Gold = 12", "silver=6"]) == ["gold": 12, "silver": 6])
        #expect(throws: QueueWeights.Invalid.self) { try QueueWeights.parseTiers(["gold"]) }
        #expect(throws: QueueWeights.Invalid.self) { try QueueWeights.parseTiers(["gold=x"]) }
        #expect(throws: QueueWeights.Invalid.self) { try QueueWeights.parseTiers(["gold=5000"]) }
    }

    @Test("the ranking keeps the best and stops once no lower stored score can enter")
    func ranking() {
        var r = QueueRanking<String>(limit: 2, maxTimed: 80)
        r.offer(caseId: 1, score: 100, waitingSeconds: 0, payload: "a")
        r.offer(caseId: 2, score: 150, waitingSeconds: 0, payload: "b")
        r.offer(caseId: 3, score: 100, waitingSeconds: 60, payload: "c")
        r.offer(caseId: 2, score: 10, waitingSeconds: 0, payload: "dup")
        #expect(r.entries.map(\.caseId) == [2, 3])
        #expect(r.mayEnter(storedScore: 20))
        #expect(!r.mayEnter(storedScore: 19))
        // The last kept is case 3 (100, waited 60): an equal score needs at least as long a wait.
        #expect(r.mayEnter(score: 101, waitingSeconds: 0))
        #expect(r.mayEnter(score: 100, waitingSeconds: 60))
        #expect(!r.mayEnter(score: 100, waitingSeconds: 59))
        #expect(!r.mayEnter(score: 99, waitingSeconds: .max))
        #expect(QueueRanking<String>(limit: 2, maxTimed: 80).mayEnter(score: .min, waitingSeconds: 0), "not full yet: anything enters")
    }

    @Test("the timed total without labels is the total of the labelled parts, and never falls as time passes")
    func timedTotal() {
        var weights = QueueWeights()
        var state: UInt64 = 12_345
        func next(_ n: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % n
        }
        for round in 0..<4000 {
            if round % 500 == 0 { weights.waitingPerHour = Int(next(9)); weights.waitingMax = Int(next(60)); weights.slaMax = Int(next(60)); weights.slaWindowMinutes = 1 + Int(next(600)) }
            // Offsets around the edges: a full hour, the waiting cap, the deadline, the window.
            let since = next(5) == 0 ? nil : now.addingTimeInterval(-Double(next(20 * 3600)) + Double(next(1000)) / 1000 - 300)
            let due = next(5) == 0 ? nil : now.addingTimeInterval(Double(next(10 * 3600)) - 3 * 3600 + Double(next(1000)) / 1000)
            let clock = QueueScore.Clock(waitingSince: since, slaDue: due, firstResponsePending: next(2) == 0, paused: next(6) == 0)
            let total = QueueScore.timedTotal(clock, now: now, weights)
            #expect(total == QueueScore.total(QueueScore.timed(clock, now: now, weights)))
            #expect(total <= weights.maxTimedPoints)
            let later = now.addingTimeInterval(Double(next(7200)))
            #expect(QueueScore.timedTotal(clock, now: later, weights) >= total)
        }
    }

    @Test("skill tags route cases; load caps taking")
    func routing() {
        let known: Set<String> = ["billing", "italian"]
        #expect(QueueRouting.skillAllows(caseTags: ["refund"], callerSkills: [], knownSkills: known))
        #expect(!QueueRouting.skillAllows(caseTags: ["billing"], callerSkills: ["italian"], knownSkills: known))
        #expect(QueueRouting.skillAllows(caseTags: ["billing", "vip"], callerSkills: ["Billing"], knownSkills: known))
        #expect(QueueRouting.hasRoom(active: 4, max: 5))
        #expect(!QueueRouting.hasRoom(active: 5, max: 5))
    }

    @Test("durations and reach read naturally")
    func formatting() {
        #expect(QueueScore.compact(48_213) == "48k")
        #expect(QueueScore.compact(1_250_000) == "1.2M")
        #expect(QueueScore.compact(2_500) == "2.5k")
        #expect(QueueScore.duration(45) == "45 s")
        #expect(QueueScore.duration(12 * 60) == "12 min")
        #expect(QueueScore.duration(3 * 3600 + 20 * 60) == "3 h 20 min")
        #expect(QueueScore.duration(3 * 86_400) == "3 d")
    }
}
