import ArgumentParser
import SwarmProtocol
import SwarmTUI

/// `swarm case take|rename|interaction`: picking work up and logging contacts from scripts and shells.
extension CaseCommand {
    struct Take: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a case nobody owns: it becomes yours (a new case becomes open).",
                                                        discussion: "A case someone else owns is a conflict: they hand it off.")
        @Argument(help: "Case id (CS12).") var caseId: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseUpdate, CaseUpdateRequest(caseId: caseId, owner: "me"), as: Case.self) { [CasePages.summary($0)] }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a case a new title.")
        @Argument(help: "Case id (CS12).") var caseId: String
        @Argument(help: "The new title (1–200 characters).") var title: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions
        func run() async throws {
            try await CaseCommand.call(options, .caseUpdate, CaseUpdateRequest(caseId: caseId, title: title), as: Case.self) { [CasePages.summary($0)] }
        }
    }

    struct Interaction: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a contact made outside Swarm (a reply by phone or mail) on a case.",
                                                        discussion: "Posts an interaction card into the case thread; the first outbound one is the case's first response (SLA).")
        @Argument(help: "Case id (CS12).") var caseId: String
        @Argument(help: "What was said.") var text: String
        @Option(help: "Where: \(ContactChannel.allCases.map(\.rawValue).joined(separator: ", ")).") var channel: String
        @Option(help: "outbound (to the customer, the default) or inbound (from them).") var direction: String = "outbound"
        @Option(help: "The contact's id in its source system (a retry with the same one records nothing new).") var externalId: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions

        func validate() throws {
            guard ContactChannel(rawValue: channel) != nil else { throw ValidationError("--channel is one of \(ContactChannel.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard Direction(rawValue: direction) != nil else { throw ValidationError("--direction is inbound or outbound") }
        }

        func run() async throws {
            let request = InteractionRequest(caseId: caseId, channel: ContactChannel(rawValue: channel)!, direction: Direction(rawValue: direction)!,
                                             text: text, externalId: externalId)
            try await CaseCommand.call(options, .caseInteraction, request, as: InteractionOutcome.self) { [LoggedContact.recorded($0)] }
        }
    }
}
