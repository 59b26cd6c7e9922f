import Foundation
import SwarmProtocol

/// `/report`: the service figures (as `swarm report` prints them) in the output pane.
public enum ReportCommands {
    static let periods = ["today", "24h", "7d", "30d"]

    public static let commands: [SlashCommand] = [
        SlashCommand("report", [.optional(.choice(periods)), .optional(.choice(ReportGrouping.allCases.map(\.rawValue)))],
                     usage: "/report [period] [group]",
                     summary: "Service figures: volumes, response rate, first response, resolution, SLA",
                     details: ["period: today, 24h, 7d or 30d; group: hour, day, channel, owner, topic or account.",
                               "Default: the last 7 days by day. Leads see the team, agents their own figures.",
                               "Hours and days are drawn as charts; other groups as a table. `swarm report --csv` for spreadsheets."]) { c, args in
            let (from, to, defaultGroup) = period(args.first ?? "7d", now: Date())
            let group = args.count > 1 ? ReportGrouping(rawValue: args[1]) : defaultGroup
            let reply = try await c.request(.reportGet, ReportGetRequest(from: from, to: to, groupBy: group), as: ReportGetReply.self)
            await c.notice(ReportPages.page(reply, chartWidth: 30).joined(separator: "\n"))
        },
    ]

    /// The period a word names, ending now (`today`: since midnight UTC), and its natural grouping.
    static func period(_ word: String, now: Date) -> (String, String, ReportGrouping) {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        let start: Date
        let group: ReportGrouping
        switch word {
        case "today": start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400); group = .hour
        case "24h": start = now.addingTimeInterval(-86_400); group = .hour
        case "30d": start = now.addingTimeInterval(-30 * 86_400); group = .day
        default: start = now.addingTimeInterval(-7 * 86_400); group = .day
        }
        return (style.format(start), style.format(now), group)
    }
}
