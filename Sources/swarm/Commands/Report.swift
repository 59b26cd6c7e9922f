import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmTUI

/// `swarm report`: the service figures of a period as tables, volumes and response times per hour
/// or day as terminal charts, or CSV / JSON for spreadsheets and scripts.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Service figures over a period: volumes, response rate, first response, resolution, SLA, productivity.",
        discussion: """
            Leads and admins see the whole team; agents their own figures. The period is [--from, --to), \
            each a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 time; by default the last 7 days. \
            With --group-by hour or day the volumes and response times are drawn as charts. \
            --json prints the server's reply to report.get, --csv one row for the period and one per group.
            """)

    @Option(help: "Start of the period (YYYY-MM-DD or RFC 3339; default: 7 days before --to).") var from: String?
    @Option(help: "End of the period, exclusive (YYYY-MM-DD or RFC 3339; default: now).") var to: String?
    @Option(name: .customLong("group-by"), help: "hour, day, channel, owner, topic or account.") var groupBy: String?
    @Option(help: "Only this contact channel (twitter, email, whatsapp, ...).") var channel: String?
    @Option(help: "Only cases of this team channel.") var team: String?
    @Option(help: "Only cases owned by this user (leads; agents always see their own).") var owner: String?
    @Flag(help: "Print CSV.") var csv = false
    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        if let groupBy, ReportGrouping(rawValue: groupBy) == nil { throw ValidationError("--group-by must be hour, day, channel, owner, topic or account") }
        if let channel, ContactChannel(rawValue: channel) == nil {
            throw ValidationError("--channel must be one of " + ContactChannel.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if csv && options.json { throw ValidationError("--csv and --json exclude each other") }
        _ = try period()
    }

    /// `--from` and `--to` as RFC 3339 times.
    func period(now: Date = Date()) throws -> (String, String) {
        func time(_ text: String, _ flag: String) throws -> Date {
            let full = text.count == 10 ? text + "T00:00:00Z" : text
            guard let date = Timestamp.parse(full) else {
                throw ValidationError("\(flag) must be a date (YYYY-MM-DD) or an RFC 3339 time")
            }
            return date
        }
        let end = try to.map { try time($0, "--to") } ?? now
        let start = try from.map { try time($0, "--from") } ?? end.addingTimeInterval(-7 * 86_400)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        return (style.format(start), style.format(end))
    }

    func run() async throws {
        let (start, end) = try period()
        let request = ReportGetRequest(from: start, to: end, channel: channel.flatMap(ContactChannel.init(rawValue:)), team: team, owner: owner,
                                       groupBy: groupBy.flatMap(ReportGrouping.init(rawValue:)))
        try await options.withSession { session in
            let (raw, reply) = try await session.call(.reportGet, request, as: ReportGetReply.self)
            if options.json {
                Output.json(raw)
            } else if csv {
                ReportPages.csv(reply).forEach(Output.line)
            } else {
                ReportPages.page(reply).forEach(Output.line)
            }
        }
    }
}
