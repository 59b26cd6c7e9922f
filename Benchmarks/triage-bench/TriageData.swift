import BenchSupport
import Foundation
import SwarmCore
import SwarmProtocol

/// A deterministic month of social-care traffic: `cases` cases over `days` days, `interactions`
/// contacts in all (first an inbound, then inbound and outbound turns), seeded, so every run
/// measures the same data. Texts mix urgency and topic words in Italian and English; a share of
/// the contacts are public posts with a reach, to the dedicated care account or the main one.
struct TriageData {
    struct Contact {
        var caseIndex: Int
        var customer: Int
        var request: InteractionRequest
    }

    let cases: Int
    let interactions: Int
    let days: Int
    let start: Date

    private static let channels: [ContactChannel] = [.twitter, .facebook, .whatsapp, .email, .webchat, .app, .phone]
    private static let complaints = [
        "my order %d never arrived, I want a refund", "il pacco %d non è mai arrivato, voglio il rimborso",
        "the app crashes at login since the update (order %d)", "l'app si blocca al login dopo l'aggiornamento, ordine %d",
        "I was charged twice for invoice %d", "mi avete addebitato due volte la fattura %d",
        "outage in my area again, third time this week, ticket %d", "disservizio nella mia zona, terza volta, pratica %d",
        "price went up without notice on plan %d, I will cancel", "il prezzo è aumentato senza preavviso, piano %d, disdico",
        "this is a scam, I am calling my lawyer about order %d", "è una truffa, farò denuncia per l'ordine %d",
    ]
    private static let replies = [
        "Sorry for the trouble, we are checking order %d now.", "Ci scusiamo, stiamo verificando l'ordine %d.",
        "Could you send us your order number by DM?", "Può scriverci in privato il numero d'ordine?",
        "The refund for %d is on its way.", "Il rimborso per %d è stato disposto.",
    ]

    /// The contacts of case `index`, in time order: an inbound that opens it, then turns.
    func contacts(ofCase index: Int) -> [Contact] {
        var rng = SplitMix64(state: UInt64(index) &* 2_654_435_761 &+ 17)
        let perCase = interactions / cases + (index < interactions % cases ? 1 : 0)
        let customer = index
        let channel = Self.channels[rng.below(Self.channels.count)]
        let social = channel == .twitter || channel == .facebook
        let isPublic = social && rng.unit() < 0.6
        let reach = social ? Int(exp(rng.unit() * 12)) : nil  // 1 … ~160k followers, log-uniform
        let account = social ? (rng.unit() < 0.7 ? "@acme_care" : "@acme") : nil
        let order = 1000 + rng.below(9000)
        var at = start.addingTimeInterval(rng.unit() * Double(days) * 86_400 * 0.95)
        var result: [Contact] = []
        for turn in 0..<perCase {
            let inbound = turn == 0 || rng.unit() < 0.55
            let templates = inbound ? Self.complaints : Self.replies
            let text = String(format: templates[rng.below(templates.count)], order)
            let handle = "\(channel.rawValue)-customer-\(customer)"
            var req = InteractionRequest(identity: Identity(channel: channel, handle: handle), customerName: "Customer \(customer)",
                                         channel: channel, direction: inbound ? .inbound : .outbound, text: text,
                                         at: Timestamp.format(at), externalId: "bench-\(index)-\(turn)")
            if inbound { req.isPublic = isPublic; req.account = account; req.reach = reach }
            result.append(Contact(caseIndex: index, customer: customer, request: req))
            at = at.addingTimeInterval(60 + rng.unit() * 4 * 3600)
        }
        return result
    }
}
