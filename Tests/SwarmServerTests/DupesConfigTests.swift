import Foundation
import SwarmServer
import Testing

@Suite("Configuration of duplicates, noise and topics", .hangGuard)
struct DupesConfigTests {
    @Test("keyword lists per topic and language are keys of their own; a new topic or language adds rules")
    func keywordKeys() throws {
        var c = ServerConfig()
        try c.apply(toml: """
            [topics]
            keywords_billing_en = ["invoice*"]
            keywords_returns-eu_de = ["rücksendung", "umtausch"]
            keywords_outage_it = []
            [duplicates]
            threshold = 0.9
            window_hours = 0
            [noise]
            patterns = ["*win*iphone*"]
            """, source: "t")
        #expect(c.topicKeywords["billing_en"] == ["invoice*"])
        #expect(c.topicKeywords["returns-eu_de"] == ["rücksendung", "umtausch"])
        #expect(c.topicKeywords["outage_it"] == nil && c.topicKeywords["outage_en"] != nil)
        #expect(c.topicRules.topics(for: "Die Rücksendung ist verloren") == ["returns-eu"])
        #expect(c.topicRules.topics(for: "la linea è un disservizio") == [])
        #expect(c.duplicatesThreshold == 0.9 && c.duplicatesWindowHours == 0)
        #expect(c.noiseFilter.rule(for: "You WIN an iPhone") == "pattern:*win*iphone*")
        try c.validate()
    }

    @Test("bad values are start-up errors that name the key")
    func errors() throws {
        func fails(_ toml: String, naming key: String) {
            var c = ServerConfig()
            do {
                try c.apply(toml: toml, source: "t")
                try c.validate()
                Issue.record("accepted: \(toml)")
            } catch {
                #expect("\(error)".contains(key), "\(error)")
            }
        }
        fails("[duplicates]\nthreshold = 1.5\n", naming: "duplicates.threshold")
        fails("[duplicates]\nthreshold = \"high\"\n", naming: "duplicates.threshold")
        fails("[duplicates]\nwindow_hours = -1\n", naming: "duplicates.window_hours")
        fails("[topics]\nspike_factor = 0.5\n", naming: "topics.spike_factor")
        fails("[topics]\nspike_min_count = 0\n", naming: "topics.spike_min_count")
        fails("[topics]\nkeywords_Billing_en = [\"x\"]\n", naming: "topics.keywords_Billing_en")
        fails("[topics]\nkeywords_billing_english = [\"x\"]\n", naming: "topics.keywords_billing_english")
        fails("[topics]\nkeywords_billing_en = [\"!!\"]\n", naming: "topics.keywords_billing_en")
        fails("[topics]\nalert_channel = \"Leads Room\"\n", naming: "topics.alert_channel")
        fails("[noise]\nphrases = [\"...\"]\n", naming: "noise.phrases")
        fails("[noise]\npatterns = [\"**\"]\n", naming: "noise.patterns")
        fails("[noise]\nlinks = [\"bit.ly free\"]\n", naming: "noise.links")
        fails("[noise]\nblocklist = []\n", naming: "noise.blocklist")
    }
}
