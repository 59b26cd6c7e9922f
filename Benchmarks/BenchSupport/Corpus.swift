import SwarmStore

/// Customer-care articles in Italian and English: each has a topic whose words are frequent in
/// it and rare elsewhere (as in a real base, where "fattura" is common only in billing articles),
/// over a bed of everyday words.
public enum Corpus {
    struct Topic {
        var tags: [String]
        var it: [String]
        var en: [String]
    }

    static let topics: [Topic] = [
        Topic(tags: ["rimborso", "refund", "billing"],
              it: ["rimborso", "rimborsi", "rimborsato", "carta", "addebito", "accredito", "giorni", "lavorativi", "banca", "importo", "restituzione", "già"],
              en: ["refund", "refunds", "refunded", "card", "charge", "credit", "business", "days", "bank", "amount", "chargeback", "statement"]),
        Topic(tags: ["spedizione", "shipping", "delivery"],
              it: ["spedizione", "corriere", "pacco", "consegna", "ritardo", "tracciamento", "indirizzo", "giacenza", "magazzino", "perché", "però", "città"],
              en: ["shipping", "courier", "parcel", "delivery", "delay", "tracking", "address", "warehouse", "dispatch", "label", "customs", "express"]),
        Topic(tags: ["fattura", "invoice", "billing"],
              it: ["fattura", "fatture", "iva", "partita", "intestazione", "elettronica", "codice", "fiscale", "pagamento", "scadenza", "società", "è"],
              en: ["invoice", "invoices", "vat", "tax", "billing", "company", "payment", "due", "receipt", "pdf", "number", "legal"]),
        Topic(tags: ["reso", "return", "returns"],
              it: ["reso", "resi", "restituire", "etichetta", "prodotto", "difettoso", "sostituzione", "garanzia", "modulo", "ritiro", "perché", "qualità"],
              en: ["return", "returns", "label", "product", "faulty", "replacement", "warranty", "form", "pickup", "exchange", "damaged", "policy"]),
        Topic(tags: ["voucher", "promo", "coupon"],
              it: ["voucher", "buono", "sconto", "codice", "promozione", "scaduto", "valido", "saldo", "regalo", "utilizzo", "è", "più"],
              en: ["voucher", "coupon", "discount", "code", "promotion", "expired", "valid", "balance", "gift", "redeem", "offer", "checkout"]),
        Topic(tags: ["account", "password", "login"],
              it: ["account", "password", "accesso", "email", "recupero", "bloccato", "verifica", "profilo", "sicurezza", "autenticazione", "già", "perché"],
              en: ["account", "password", "login", "email", "reset", "locked", "verification", "profile", "security", "authentication", "username", "sign"]),
        Topic(tags: ["ordine", "order"],
              it: ["ordine", "ordini", "annullare", "modificare", "conferma", "stato", "articolo", "disponibilità", "quantità", "carrello", "già", "può"],
              en: ["order", "orders", "cancel", "change", "confirmation", "status", "item", "availability", "quantity", "cart", "placed", "pending"]),
        Topic(tags: ["abbonamento", "subscription"],
              it: ["abbonamento", "rinnovo", "disdetta", "piano", "mensile", "annuale", "addebito", "prova", "gratuita", "attivazione", "così", "è"],
              en: ["subscription", "renewal", "cancellation", "plan", "monthly", "yearly", "trial", "free", "activation", "upgrade", "downgrade", "billing"]),
    ]

    static let fillerIt = ["il", "la", "di", "che", "e", "per", "un", "una", "non", "con", "del", "della", "al", "si", "le", "cliente", "puoi",
                           "nel", "alla", "sono", "se", "come", "anche", "dopo", "prima", "quando", "entro", "richiesta", "servizio", "assistenza",
                           "numero", "sito", "app", "messaggio", "risposta", "tempo", "caso", "informazioni", "verificare", "controllare", "inviare",
                           "ricevere", "nostro", "vostro", "sempre", "solo", "ancora", "grazie", "ecco", "passaggi", "seguire", "pagina", "sezione"]
    static let fillerEn = ["the", "to", "and", "of", "a", "your", "is", "for", "you", "in", "we", "it", "on", "be", "can", "with", "this", "if",
                           "customer", "please", "will", "our", "when", "after", "before", "within", "request", "service", "support", "number",
                           "website", "app", "message", "reply", "time", "case", "information", "check", "verify", "send", "receive", "always",
                           "only", "still", "thanks", "here", "steps", "follow", "page", "section", "team", "help", "contact", "agent"]

    /// Article `i` of the corpus seeded with `seed` (independent of the others, so it can be made
    /// in chunks): 200–1,500 words, a 4–10 word title, 1–4 tags, Italian 60 %, English 40 %.
    public static func article(_ i: Int, seed: UInt64) -> KBArticleRecord {
        var rng = SplitMix64(state: seed &+ UInt64(i) &* 0x2545_F491_4F6C_DD1D)
        let topic = topics[rng.int(0...(topics.count - 1))]
        let italian = rng.int(0...9) < 6
        let own = italian ? topic.it : topic.en
        let filler = italian ? fillerIt : fillerEn
        // A few words of a second topic, as real articles mention neighbouring subjects.
        let other = italian ? rng.pick(topics).it : rng.pick(topics).en
        func word() -> String {
            let r = rng.int(0...99)
            return r < 22 ? rng.skewed(own) : r < 26 ? rng.skewed(other) : rng.skewed(filler)
        }
        let titleWords = (0..<rng.int(4...10)).map { k in k % 2 == 0 ? rng.skewed(own) : word() }
        var title = titleWords.joined(separator: " ")
        title = title.prefix(1).uppercased() + title.dropFirst()
        var body = ""
        body.reserveCapacity(8_000)
        var sentence = 0
        for _ in 0..<rng.int(200...1_500) {
            if sentence == 0 {
                if !body.isEmpty { body += ".\n" }
                sentence = rng.int(6...18)
                body += word().capitalized
            } else {
                body += " " + word()
            }
            sentence -= 1
        }
        body += "."
        var tags: [String] = []
        for _ in 0..<rng.int(1...4) {
            let t = rng.pick(topic.tags + ["urgent", "faq", "policy", "howto", "b2b"])
            if !tags.contains(t) { tags.append(t) }
        }
        return KBArticleRecord(title: String(title), body: body, tags: tags, language: italian ? "it" : "en",
                               audience: rng.int(0...3) == 0 ? "customer" : "internal")
    }
}
