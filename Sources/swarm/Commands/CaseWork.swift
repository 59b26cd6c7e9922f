import ArgumentParser
import SwarmProtocol
import SwarmTUI

/// `swarm case take|rename`: picking work up from scripts and shells.
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
}
