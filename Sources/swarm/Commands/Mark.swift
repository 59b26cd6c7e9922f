import ArgumentParser
import SwarmProtocol

/// `swarm mark`: mark a message as a question or an answer (the brief's open questions, `kb capture`).
struct Mark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mark a message as a question or an answer, or clear its mark.",
        discussion: "Scripts name the message; the interactive client's /mark can pick it for you.")
    @Argument(help: "Message id (M40).") var message: String
    @Argument(help: "question, answer or none.") var mark: String
    @Option(help: ArgumentHelp("With answer: the question it answers (same channel).", valueName: "message-id")) var answers: String?
    @OptionGroup(title: "Connection and output options") var options: GlobalOptions

    func validate() throws {
        guard ["question", "answer", "none"].contains(mark) else { throw ValidationError("mark is question, answer or none") }
        if answers != nil, mark != "answer" { throw ValidationError("--answers goes with answer") }
    }

    func run() async throws {
        try await CaseCommand.call(options, .messageMark, MessageMarkRequest(message: message, mark: mark, answers: answers), as: Message.self) {
            ["\($0.id) " + ($0.mark ?? "unmarked")]
        }
    }
}
