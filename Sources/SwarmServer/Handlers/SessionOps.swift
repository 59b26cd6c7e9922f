import Foundation
import SwarmCore
import SwarmProtocol

/// ping, presence, typing. (`hello` is part of the session lifecycle in Session.swift.)
enum SessionOps {
    static func register(_ t: inout [Op: OpHandler]) {
        t[.ping] = { ctx in ctx.reply(PingReply(time: Timestamp.now())) }
        t[.presenceSet] = { ctx in
            let req = try ctx.decode(PresenceSetRequest.self)
            guard req.status != .offline else { throw SwarmError.badRequest("offline is set by disconnecting") }
            ctx.core.hub.setPresence(user: ctx.principal.id, status: req.status)
            return ctx.reply(Empty())
        }
        t[.presenceList] = { ctx in ctx.reply(PresenceListReply(users: ctx.core.hub.presenceList())) }
        t[.typing] = { ctx in
            let req = try ctx.decode(TypingRequest.self)
            guard let channel = Ids.parse(.channel, req.channel) else { throw SwarmError.badRequest("typing needs a channel id") }
            guard ctx.core.hub.isMember(channel: channel, user: ctx.principal.id) else { throw SwarmError.forbidden("not a member of this channel") }
            let frame = Wire.event(.typing, TypingEvent(channel: req.channel, thread: req.thread, user: ctx.principal.userId))
            ctx.core.hub.sendEphemeral(channel: channel, except: ctx.conn.id, frame: frame)
            // Other nodes' sessions: through NOTIFY (PostgreSQL); each checks membership itself.
            if let cluster = ctx.core.hub.cluster, (req.thread?.utf8.count ?? 0) <= EphemeralSignal.maxThread {
                cluster.typing(EphemeralSignal(node: ctx.core.nodeId, kind: .typing, channel: channel, user: ctx.principal.id, thread: req.thread))
            }
            return ctx.reply(Empty())
        }
    }
}
