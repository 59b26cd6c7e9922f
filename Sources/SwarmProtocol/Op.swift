/// Every operation name the server understands. Declared once so that the dispatcher, the
/// metrics labels and the client agree on spelling.
public enum Op: String, Codable, Sendable, CaseIterable {
    // session
    case hello
    case ping
    case presenceSet = "presence.set"
    case presenceList = "presence.list"
    case typing
    // users (admin)
    case userList = "user.list"
    case userCreate = "user.create"
    case tokenRevoke = "token.revoke"
    // channels
    case channelCreate = "channel.create"
    case channelList = "channel.list"
    case channelJoin = "channel.join"
    case channelLeave = "channel.leave"
    case channelInvite = "channel.invite"
    case channelMembers = "channel.members"
    case dmOpen = "dm.open"
    // messages
    case messagePost = "message.post"
    case messageEdit = "message.edit"
    case messageDelete = "message.delete"
    case messageVersions = "message.versions"
    case history
    case threadGet = "thread.get"
    case readMark = "read.mark"
    case unreadList = "unread.list"
    case search
    case messageMark = "message.mark"
    // customers
    case customerCreate = "customer.create"
    case customerFind = "customer.find"
    case customerUpdate = "customer.update"
    case customerMerge = "customer.merge"
    case customerTimeline = "customer.timeline"
    // cases
    case caseOpen = "case.open"
    case caseGet = "case.get"
    case caseList = "case.list"
    case caseUpdate = "case.update"
    case caseLinkTicket = "case.link_ticket"
    case caseUnlinkTicket = "case.unlink_ticket"
    case ticketLookup = "ticket.lookup"
    case caseInteraction = "case.interaction"
    case caseNote = "case.note"
    case caseFact = "case.fact"
    case caseHelpers = "case.helpers"
    case caseSwarm = "case.swarm"
    case caseJoin = "case.join"
    case caseHandoff = "case.handoff"
    case caseBrief = "case.brief"
    // care (PROTOCOL §25)
    case caseCsat = "case.csat"
    case replyCheck = "reply.check"
    // knowledge base
    case kbCreate = "kb.create"
    case kbUpdate = "kb.update"
    case kbState = "kb.state"
    case kbGet = "kb.get"
    case kbList = "kb.list"
    case kbSearch = "kb.search"
    case kbSuggest = "kb.suggest"
    case kbShare = "kb.share"
    case kbSolved = "kb.solved"
    case kbCapture = "kb.capture"
    case kbRender = "kb.render"
    // inbox
    case inboxList = "inbox.list"
    // duplicates, noise and topics (PROTOCOL §23)
    case filteredList = "filtered.list"
    case filteredRestore = "filtered.restore"
    case filteredConfirm = "filtered.confirm"
    case caseTopics = "case.topics"
    // triage queue
    case queueList = "queue.list"
    case queueNext = "queue.next"
    // reports
    case reportGet = "report.get"
}

/// Event names (`ev` field of an event frame).
public enum EventName: String, Codable, Sendable, CaseIterable {
    case ready
    case messageNew = "message.new"
    case messageEdited = "message.edited"
    case messageDeleted = "message.deleted"
    case memberJoined = "member.joined"
    case memberLeft = "member.left"
    case mention
    case readUpdated = "read.updated"
    case tokenRevoked = "token.revoked"
    case typing
    case presence
    case messageMarked = "message.marked"
    case caseUpdated = "case.updated"
    case caseSwarmInvite = "case.swarm_invite"
    case caseHandoff = "case.handoff"
    case slaWarning = "sla.warning"
    case slaBreached = "sla.breached"
}

public enum ProtocolInfo {
    public static let version = 1
    public static let server = "swarmd/0.1.0"
}
