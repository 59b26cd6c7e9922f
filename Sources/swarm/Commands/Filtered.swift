import ArgumentParser
import Foundation
import SwarmProtocol
import SwarmTUI

/// `swarm filtered list|restore|confirm`: the noise bin (leads and admins, PROTOCOL §23).
struct Filtered: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Contacts held as noise: list them, restore one into its case, or confirm it as noise (leads and admins).",
        subcommands: [List.self, Restore.self, Confirm.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List held contacts, newest first, with the rule that held each.",
                                                        discussion: "With --json prints the server's reply to filtered.list.")
        @Option(help: "Most items, 1-200.") var limit: Int?
        @Option(help: "Items older than this id (FL12), for the next page.") var before: String?
        @Option(help: "filtered (waiting, the default), restored, confirmed or all.") var state: String?
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions

        func validate() throws {
            if let limit, !(1...200).contains(limit) { throw ValidationError("--limit must be 1-200") }
            if let state, !["filtered", "restored", "confirmed", "all"].contains(state) {
                throw ValidationError("--state is filtered, restored, confirmed or all")
            }
        }

        func run() async throws {
            try await CaseCommand.call(options, .filteredList, FilteredListRequest(limit: limit, before: before, state: state),
                                       as: FilteredListReply.self) { FilteredPages.page($0) }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open or join the case the contact would have, at its original time.")
        @Argument(help: "Filtered contact id (FL3).") var id: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions

        func run() async throws {
            try await CaseCommand.call(options, .filteredRestore, FilteredRef(id: id), as: FilteredRestoreReply.self) { [FilteredPages.restored($0)] }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Keep the contact as noise.")
        @Argument(help: "Filtered contact id (FL3).") var id: String
        @OptionGroup(title: "Connection and output options") var options: GlobalOptions

        func run() async throws {
            try await CaseCommand.call(options, .filteredConfirm, FilteredRef(id: id), as: FilteredContact.self) { [FilteredPages.confirmed($0)] }
        }
    }
}
