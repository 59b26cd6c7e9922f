import SwarmCore
import Testing

@Suite("Tone of voice rules")
struct ToneRulesTests {
    static let rules = try! ToneRules.parse(forbidden: ["*:as I said", "en:calm down", "it:si calmi"], address: ["it:formal", "de:informal"],
                                            maxLength: 120, signaturePattern: "^— [A-Z][a-z]+, Acme Care$", defaultLanguage: "en")

    @Test("forbidden phrases: whole words, any case and accents, per language and for all")
    func forbidden() {
        let f = Self.rules.check("Please CALM DOWN, as i said.\n— Anna, Acme Care", language: "en")
        #expect(f.map(\.rule) == ["forbidden_phrase", "forbidden_phrase"])
        #expect(f[0].message == "avoid \"as I said\"" && f[0].span == 18..<27)
        #expect(f[1].span == 7..<16)
        // Italian phrases are not checked in English, and "calm downstairs" is another word.
        #expect(Self.rules.check("Si calmi, calm downstairs.\n— Anna, Acme Care", language: "en").isEmpty)
        #expect(Self.rules.check("Si càlmi.\n— Anna, Acme Care", language: "it").map(\.rule) == ["forbidden_phrase"])
    }

    @Test("Italian formal address: tu and its forms are findings, Lei is fine")
    func italianFormal() {
        let f = Self.rules.check("Ciao, ti scriviamo perché il tuo ordine è partito. Lei riceverà una mail.\n— Anna, Acme Care", language: "it")
        #expect(f.map(\.rule) == ["address", "address"])
        #expect(f.map(\.span) == [6..<8, 29..<32])
        #expect(Self.rules.check("Gentile cliente, La ringraziamo. Il Suo ordine è partito.\n— Anna, Acme Care", language: "it").isEmpty)
    }

    @Test("German informal address: capitalized Sie mid-sentence is formal; English has no rule")
    func germanAndEnglish() {
        let f = Self.rules.check("Danke, dass Sie geschrieben haben.\n— Anna, Acme Care", language: "de")
        #expect(f.map(\.rule) == ["address"])
        #expect(Self.rules.check("Sie ist da. Danke dir!\n— Anna, Acme Care", language: "de").isEmpty)
        #expect(Self.rules.check("You and your order.\n— Anna, Acme Care", language: "en").isEmpty)
    }

    @Test("length and signature")
    func lengthAndSignature() {
        let long = String(repeating: "a", count: 121) + "\n— Anna, Acme Care"
        #expect(Self.rules.check(long, language: "en").map(\.rule) == ["max_length"])
        let unsigned = Self.rules.check("Thanks, we are on it.", language: "en")
        #expect(unsigned.map(\.rule) == ["signature"] && unsigned[0].span == nil)
        #expect(Self.rules.check("Thanks.\n— Anna, Acme Care\n\n", language: "en").isEmpty)
        #expect(ToneRules().check(String(repeating: "x", count: 20_000), language: "en").isEmpty)
    }

    @Test("a hostile text full of findings gets at most 20 per rule")
    func capped() {
        let f = Self.rules.check(String(repeating: "tu si calmi ", count: 1300), language: "it")
        #expect(f.filter { $0.rule == "address" }.count == ToneRules.maxFindingsPerRule)
        #expect(f.filter { $0.rule == "forbidden_phrase" }.count == ToneRules.maxFindingsPerRule)
        #expect(f.last?.span == nil && f.count == 2 * ToneRules.maxFindingsPerRule + 2, "plus max_length and signature")
    }

    @Test("the customer's language decides, else the default")
    func language() {
        #expect(Self.rules.language(forCustomer: "it-IT") == "it")
        #expect(Self.rules.language(forCustomer: " DE ") == "de")
        #expect(Self.rules.language(forCustomer: nil) == "en")
        #expect(Self.rules.language(forCustomer: "x") == "en")
    }

    @Test("bad config entries are errors that name them")
    func badConfig() {
        #expect(throws: ToneRules.Invalid.self) { try ToneRules.parse(forbidden: ["no language"], address: [], maxLength: 0, signaturePattern: "", defaultLanguage: "en") }
        #expect(throws: ToneRules.Invalid.self) { try ToneRules.parse(forbidden: ["it:"], address: [], maxLength: 0, signaturePattern: "", defaultLanguage: "en") }
        #expect(throws: ToneRules.Invalid.self) { try ToneRules.parse(forbidden: [], address: ["it:polite"], maxLength: 0, signaturePattern: "", defaultLanguage: "en") }
        #expect(throws: ToneRules.Invalid.self) { try ToneRules.parse(forbidden: [], address: ["en:formal"], maxLength: 0, signaturePattern: "", defaultLanguage: "en") }
        #expect(throws: ToneRules.Invalid.self) { try ToneRules.parse(forbidden: [], address: [], maxLength: 0, signaturePattern: "([", defaultLanguage: "en") }
        #expect(throws: ToneRules.Invalid.self) { try ToneRules.parse(forbidden: [], address: [], maxLength: 0, signaturePattern: "", defaultLanguage: "english") }
    }
}
