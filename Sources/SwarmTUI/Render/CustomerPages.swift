import SwarmProtocol

/// Customers as readable text, for `/customer …` and `swarm customer …` without --json.
public enum CustomerPages {
    public static func summary(_ c: Customer) -> String {
        var line = "\(c.id) \(c.name)"
        if let crm = c.crmId { line += " · CRM \(crm)" }
        if c.vip { line += " · VIP" }
        if !c.identities.isEmpty { line += " · " + c.identities.map(handle).joined(separator: ", ") }
        return line
    }

    public static func show(_ c: Customer) -> [String] {
        var lines = ["── Customer \(c.id): \(c.name) ──"]
        var facts: [String] = []
        if let crm = c.crmId { facts.append("CRM \(crm)") }
        if let tier = c.tier { facts.append("tier \(tier)") }
        if c.vip { facts.append("VIP") }
        if let language = c.language { facts.append("language \(language)") }
        if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
        lines.append("reach: " + (c.identities.isEmpty ? "no handles" : c.identities.map(handle).joined(separator: " · ")))
        if let notes = c.notes { lines.append("notes: \(notes)") }
        lines.append("(/customer timeline \(c.id) for the history)")
        return lines
    }

    /// The newest entries, oldest first, and how many the reader was not shown and why.
    public static func timeline(_ customer: String, _ page: TimelinePage) -> [String] {
        let older = page.total - page.entries.count
        var head = "── Timeline \(customer): \(page.total) \(page.total == 1 ? "entry" : "entries")"
        if older > 0 { head += ", \(older) older not shown" }
        head += " ──"
        var lines = [head]
        lines += page.entries.map { entry in (entry.caseId.map { "\($0) " } ?? "") + CasePages.timelineLine(entry) }
        if page.withheld > 0 {
            lines.append("(\(page.withheld) \(page.withheld == 1 ? "entry" : "entries") in cases you cannot see)")
        }
        return lines
    }

    static func handle(_ i: Identity) -> String { "\(i.channel.rawValue):\(i.handle)" }
}
