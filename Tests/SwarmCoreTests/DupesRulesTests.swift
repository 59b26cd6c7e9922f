import Foundation
import SwarmCore
import Testing

@Suite("Duplicates, noise and topic rules")
struct DupesRulesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("normalization folds case, accents, URLs, mentions, punctuation and whitespace")
    func normalize() {
        #expect(TextNormalizer.normalize("  Perché il RIMBORSO non arriva?!  @acme_care https://t.co/abc ") == "perche il rimborso non arriva")
        #expect(TextNormalizer.normalize("Where's my\trefund…\n\nwww.example.com/x") == "where s my refund")
        #expect(TextNormalizer.normalize("@a http://x") == "")
        #expect(TextNormalizer.links("see HTTPS://www.Bit.ly/Free now http://spam.example/a") == ["bit.ly/free", "spam.example/a"])
    }

    @Test("near-identical text within the window matches; other text, older ones and empty texts do not")
    func duplicates() {
        let rule = DuplicateRule(threshold: 0.8, windowSeconds: 24 * 3600)
        let earlier = DuplicateRule.Candidate(id: 1, at: t0, text: "My refund for order 5512 never arrived!!")
        let other = DuplicateRule.Candidate(id: 2, at: t0.addingTimeInterval(60), text: "The app crashes when I log in")
        let now = t0.addingTimeInterval(3600)
        let m = rule.match("my refund for order 5512 never arrived @acme", at: now, among: [earlier, other])
        #expect(m?.id == 1)
        #expect((m?.similarity ?? 0) >= 0.8)
        // A different complaint does not.
        #expect(rule.match("Where can I change my delivery address?", at: now, among: [earlier, other]) == nil)
        // Outside the window (25 h later) and in the future: no match.
        #expect(rule.match(earlier.text, at: t0.addingTimeInterval(25 * 3600), among: [earlier]) == nil)
        #expect(rule.match(earlier.text, at: t0.addingTimeInterval(-1), among: [earlier]) == nil)
        #expect(rule.match("!!! @x", at: now, among: [earlier]) == nil)
        // Ties go to the earliest contact.
        let again = DuplicateRule.Candidate(id: 3, at: t0.addingTimeInterval(120), text: earlier.text)
        #expect(rule.match(earlier.text, at: now, among: [again, earlier])?.id == 1)
    }

    @Test("the threshold decides: a looser one accepts a reworded complaint")
    func threshold() {
        let a = "My refund for order 5512 never arrived"
        let b = "my refund for order 5512 has never arrived yet"
        let strict = DuplicateRule(threshold: 0.95)
        let loose = DuplicateRule(threshold: 0.5)
        let c = [DuplicateRule.Candidate(id: 7, at: t0, text: a)]
        #expect(strict.match(b, at: t0.addingTimeInterval(1), among: c) == nil)
        #expect(loose.match(b, at: t0.addingTimeInterval(1), among: c)?.id == 7)
        #expect(DuplicateRule.jaccard([1, 2, 3], [2, 3, 4]) == 0.5)
        #expect(DuplicateRule.jaccard([], []) == 0)
    }

    @Test("noise rules name themselves: links, whole-word phrases, wildcard patterns")
    func noise() {
        let f = NoiseFilter(links: ["bit.ly/free"], phrases: ["Follow back", "f4f"], patterns: ["*win*iphone*"])
        #expect(f.rule(for: "Get followers https://bit.ly/free-followers") == "link:bit.ly/free")
        #expect(f.rule(for: "pls FOLLOW BACK!!") == "phrase:follow back")
        #expect(f.rule(for: "f4f?") == "phrase:f4f")
        #expect(f.rule(for: "You can WIN a brand new iPhone 17") == "pattern:*win*iphone*")
        #expect(f.rule(for: "My refund never arrived, please follow up") == nil)
        #expect(f.rule(for: "see https://bit.ly/other") == nil)
        #expect(f.rule(for: "offf4fo") == nil)
        #expect(NoiseFilter().rule(for: "follow back") == nil)
    }

    @Test("topics from keyword lists per language: whole words, prefixes and phrases")
    func topics() {
        let rules = TopicRules(keywords: TopicRules.defaults)
        #expect(rules.topics(for: "La mia FATTURA è sbagliata e il pacco non è arrivato") == ["billing", "delivery"])
        #expect(rules.topics(for: "I was overcharged on my last invoice") == ["billing"])
        #expect(rules.topics(for: "The app keeps crashing") == ["app"])
        #expect(rules.topics(for: "Internet non funziona da ieri, disservizio in zona?") == ["outage"])
        #expect(rules.topics(for: "Prezzi troppo alti") == ["pricing"])
        #expect(rules.topics(for: "happy birthday") == [])
        // `app` is a whole word: "apple" and "happy" are not the app topic.
        #expect(rules.topics(for: "apple happy") == [])
        #expect(TopicRules.isValidTopic("returns-eu") && !TopicRules.isValidTopic("Returns") && !TopicRules.isValidTopic(""))
    }

    @Test("a spike needs the minimum count and the factor over the usual hourly level; one alert per hour")
    func spike() {
        let rule = TopicSpikeRule(factor: 3, minCount: 10, baselineHours: 168)
        #expect(rule.isSpike(lastHour: 10, baselineTotal: 0))
        #expect(!rule.isSpike(lastHour: 9, baselineTotal: 0))
        // Usual 5/h: 15 is 3×, 14 is not.
        #expect(rule.isSpike(lastHour: 15, baselineTotal: 5 * 168))
        #expect(!rule.isSpike(lastHour: 14, baselineTotal: 5 * 168))
        #expect(TopicSpikeRule.mayAlert(now: t0, lastAlert: nil))
        #expect(!TopicSpikeRule.mayAlert(now: t0.addingTimeInterval(3599), lastAlert: t0))
        #expect(TopicSpikeRule.mayAlert(now: t0.addingTimeInterval(3600), lastAlert: t0))
    }
}
