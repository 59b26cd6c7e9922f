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
}

public enum ProtocolInfo {
    public static let version = 1
    public static let server = "swarmd/0.1.0"
}
