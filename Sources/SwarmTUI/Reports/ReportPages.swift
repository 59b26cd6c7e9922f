import SwarmProtocol

/// `report.get` as text: the figures as a table, volumes and response times per hour or day as
/// charts, other groups as a table, and CSV for spreadsheets. Shared by `swarm report` and `/report`.
public enum ReportPages {
    public static func page(_ r: ReportGetReply, chartWidth: Int = 40) -> [String] {
        var lines = ["Report \(r.from) – \(r.to)" + (r.scope == "all" ? "" : " (\(r.scope))")]
        lines += table(r.figures).map { "  " + $0 }
        if !r.unavailable.isEmpty { lines.append("  not recorded on this server: " + r.unavailable.joined(separator: ", ")) }
        guard let groups = r.groups, let by = r.groupBy else { return lines }
        switch by {
        case .hour, .day:
            let label: (String) -> String = { key in
                let day = String(key.prefix(10))
                return by == .hour ? day + " " + String(key.dropFirst(11).prefix(2)) + "h" : day
            }
            lines.append("")
            lines.append("Inbound contacts per \(by.rawValue)  " + ReportChart.sparkline(groups.map { Double($0.figures.inbound) }))
            lines += ReportChart.bars(groups.map { (label($0.key), Double($0.figures.inbound), String($0.figures.inbound)) }, width: chartWidth)
            lines.append("")
            lines.append("First response (median) per \(by.rawValue)  " + ReportChart.sparkline(groups.map { $0.figures.firstResponse.median }))
            lines += ReportChart.bars(groups.map { g in
                (label(g.key), g.figures.firstResponse.median, g.figures.firstResponse.median.map(duration) ?? "–")
            }, width: chartWidth)
        case .channel, .owner, .topic, .account:
            lines.append("")
            let rows = groups.map { g -> [String] in
                let f = g.figures
                return [g.key, String(f.inbound), String(f.responses), percent(f.responseRate.share), String(f.cases),
                        f.firstResponse.median.map(duration) ?? "–", String(f.solved), f.resolution.median.map(duration) ?? "–"]
            }
            lines += columns([by.rawValue, "inbound", "responses", "answered", "cases", "first resp.", "solved", "resolution"], rows)
        }
        return lines
    }

    /// The figures as label/value lines.
    public static func table(_ f: ReportFigures) -> [String] {
        var rows: [(String, String)] = [
            ("Inbound contacts", String(f.inbound) + (f.duplicates.map { " (+\($0) duplicates)" } ?? "")),
            ("  by channel", f.inboundByChannel.map { "\($0.channel) \($0.count)" }.joined(separator: ", ").orDash),
            ("  by account", f.inboundByAccount.map { "\($0.account)\($0.dedicated ? "*" : "") \($0.count)" }.joined(separator: ", ").orDash),
            ("Responses", String(f.responses)),
            ("Response rate", ratio(f.responseRate)),
            ("Cases started", String(f.cases)),
            ("First response", summary(f.firstResponse)),
        ]
        if let b = f.firstResponseBusiness { rows.append(("  in business hours", summary(b))) }
        rows.append(("Within SLA", f.withinSLA.map(ratio) ?? "–"))
        rows.append(("Within 24 h", ratio(f.within24h)))
        rows.append(("Resolution", summary(f.resolution)))
        rows.append(("Solved", String(f.solved)))
        rows.append(("Agent-hours", String(f.agentHours)))
        rows.append(("Responses / agent-hour", f.responsesPerAgentHour.map { number($0) } ?? "–"))
        rows.append(("Solved / agent-hour", f.solvedPerAgentHour.map { number($0) } ?? "–"))
        rows.append(("Resolved in first channel", ratio(f.resolvedInFirstChannel)))
        if let r = f.redirected { rows.append(("Redirected", ratio(r))) }
        rows.append(("Hand-offs per case", f.handoffsPerCase.map { number($0) } ?? "–"))
        rows.append(("Closed", String(f.closed)))
        rows.append(("Time to archive", summary(f.timeToArchive)))
        if let topics = f.topTopics { rows.append(("Top topics", topics.map { "\($0.topic) \($0.cases)" }.joined(separator: ", ").orDash)) }
        if let c = f.csat {
            rows.append(("CSAT", c.ratings == 0 ? "–" : "\(c.mean.map { number($0) } ?? "–") mean, \(percent(c.satisfied)) 4–5 (\(c.ratings) ratings)"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
    }

    /// CSV: one row for the whole period (`group` = total), then one per group.
    public static func csv(_ r: ReportGetReply) -> [String] {
        let header = ["group", "inbound", "duplicates", "responses", "response_rate", "cases", "first_response_mean_s", "first_response_median_s",
                      "first_response_p90_s", "first_response_business_median_s", "within_sla", "within_24h", "resolution_median_s", "solved",
                      "agent_hours", "responses_per_agent_hour", "solved_per_agent_hour", "resolved_in_first_channel", "redirected",
                      "handoffs_per_case", "closed", "time_to_archive_median_s", "csat_mean", "csat_satisfied"]
        func cell(_ v: Double?) -> String { v.map { number($0) } ?? "" }
        func row(_ key: String, _ f: ReportFigures) -> String {
            [quoted(key), String(f.inbound), f.duplicates.map(String.init) ?? "", String(f.responses), cell(f.responseRate.share), String(f.cases),
             cell(f.firstResponse.mean), cell(f.firstResponse.median), cell(f.firstResponse.p90), cell(f.firstResponseBusiness?.median),
             cell(f.withinSLA?.share), cell(f.within24h.share), cell(f.resolution.median), String(f.solved), String(f.agentHours),
             cell(f.responsesPerAgentHour), cell(f.solvedPerAgentHour), cell(f.resolvedInFirstChannel.share), cell(f.redirected?.share),
             cell(f.handoffsPerCase), String(f.closed), cell(f.timeToArchive.median), cell(f.csat?.mean), cell(f.csat?.satisfied)].joined(separator: ",")
        }
        return [header.joined(separator: ","), row("total", r.figures)] + (r.groups ?? []).map { row($0.key, $0.figures) }
    }

    static func quoted(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3_600 { return "\(s / 60)m" + (s % 60 == 0 ? "" : " \(s % 60)s") }
        if s < 86_400 { return "\(s / 3_600)h" + (s % 3_600 / 60 == 0 ? "" : " \(s % 3_600 / 60)m") }
        return "\(s / 86_400)d" + (s % 86_400 / 3_600 == 0 ? "" : " \(s % 86_400 / 3_600)h")
    }

    static func summary(_ d: DurationSummary) -> String {
        guard d.count > 0, let mean = d.mean, let median = d.median, let p90 = d.p90 else { return "–" }
        return "mean \(duration(mean)), median \(duration(median)), p90 \(duration(p90)) (\(d.count) cases)"
    }

    static func ratio(_ r: Ratio) -> String { r.of == 0 ? "–" : "\(percent(r.share)) (\(r.count) of \(r.of))" }

    static func percent(_ share: Double?) -> String {
        guard let share else { return "–" }
        let p = (share * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }

    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e12 ? String(Int(v)) : String(v)
    }

    static func columns(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { r in r.enumerated().map { i, v in i == 0 ? v.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                                                              : String(repeating: " ", count: widths[i] - v.count) + v }.joined(separator: "  ") }
    }
}

extension String {
    var orDash: String { isEmpty ? "–" : self }
}
