import ArgumentParser
import SwarmProtocol
import SwarmTUI

/// `swarm csat` and `swarm reply-check` (PROTOCOL §25): CSAT from survey scripts, and the tone
/// check for drafts written outside the client.
struct Csat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record the customer's satisfaction (1–5) with a solved or closed case.",
                                                    discussion: "Once per case; leads, admins and bots scoped to case.csat.")
    @Argument(help: "Case id (CS12).") var caseId: String
    @Argument(help: "Score, 1 (bad) to 5 (great).") var score: Int
    @Option(help: "What the customer said (at most 2000 characters).") var comment: String?
    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        guard (1...5).contains(score) else { throw ValidationError("the score is 1–5") }
    }

    func run() async throws {
        try await CaseCommand.call(options, .caseCsat, CaseCSATRequest(caseId: caseId, score: score, comment: comment), as: Case.self) {
            ["CSAT \($0.csat?.score ?? score)/5 recorded on \($0.id)" + ($0.csat?.comment.map { ": \($0)" } ?? "")]
        }
    }
}

struct ReplyCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reply-check",
                                                    abstract: "Check a draft reply to a case's customer against the team's tone-of-voice rules.",
                                                    discussion: "Prints the findings (forbidden phrases, form of address, length, signature), or that there are none.")
    @Argument(help: "Case id (CS12).") var caseId: String
    @Argument(help: "The draft reply.") var text: String
    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func run() async throws {
        try await CaseCommand.call(options, .replyCheck, ReplyCheckRequest(caseId: caseId, text: text), as: ReplyCheckReply.self) { check in
            check.findings.isEmpty ? ["Tone check (\(check.language)): no findings"] : CareCommands.findingLines(check, text: text)
        }
    }
}
