import Foundation
import SwarmProtocol

/// `/filtered`: the noise bin for leads and admins (list, restore, confirm).
public enum FilteredCommands {
    public static let commands: [SlashCommand] = [
        SlashCommand("filtered", [.optional(.choice(["list", "restore", "confirm"])), .optionalText],
                     usage: "/filtered [list|restore FL3|confirm FL3]", summary: "Leads: contacts held as noise (list, restore, confirm)",
                     details: ["/filtered lists contacts waiting for a decision, newest first, with the rule that held each.",
                               "/filtered restore FL3 opens or joins its case as it would have, at its original time.",
                               "/filtered confirm FL3 keeps it as noise."]) { c, args in
            let action = args.first.flatMap { $0.isEmpty ? nil : $0 } ?? "list"
            let id = (args.count > 1 ? args[1] : "").trimmingCharacters(in: .whitespaces)
            switch action {
            case "list":
                let reply = try await c.request(.filteredList, FilteredListRequest(), as: FilteredListReply.self)
                await c.notice(FilteredPages.page(reply).joined(separator: "\n"))
            case "restore":
                guard !id.isEmpty else { throw SwarmError.badRequest("usage: /filtered restore FL3") }
                let reply = try await c.request(.filteredRestore, FilteredRef(id: id), as: FilteredRestoreReply.self)
                await c.notice(FilteredPages.restored(reply))
            default:
                guard !id.isEmpty else { throw SwarmError.badRequest("usage: /filtered confirm FL3") }
                let reply = try await c.request(.filteredConfirm, FilteredRef(id: id), as: FilteredContact.self)
                await c.notice(FilteredPages.confirmed(reply))
            }
        },
    ]
}
