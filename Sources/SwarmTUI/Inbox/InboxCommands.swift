import Foundation
import SwarmProtocol

/// `/inbox`: what needs you (hand-offs, invitations, mentions, new cases), as on start.
public enum InboxCommands {
    public static let commands: [SlashCommand] = [
        SlashCommand("inbox", usage: "/inbox", summary: "What needs you: hand-offs, invitations, mentions, new cases",
                     details: ["Shown as one line when the client starts; hand-offs leave the inbox once you open the case's channel or thread."]) { c, _ in
            let reply = try await c.request(.inboxList, InboxListRequest(), as: InboxListReply.self)
            for item in reply.handoffs { await c.remember(item.caseInfo) }
            let model = await c.model
            let lines = InboxPages.page(reply) { id in model.channels[id].map { model.displayName($0.channel) } ?? id }
            await c.notice(lines.joined(separator: "\n"))
        },
    ]
}

extension ChatController {
    /// On start the client has no position to resume from, so nothing that arrived while it was
    /// closed is replayed: ask the server what needs the user and say so once, with the bell.
    func announceInbox() async {
        guard let reply = try? await request(.inboxList, InboxListRequest(), as: InboxListReply.self),
              let line = InboxPages.summary(reply) else { return }
        update { $0.alert(line) }
    }
}
