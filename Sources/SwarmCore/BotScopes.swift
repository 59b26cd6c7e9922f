import SwarmProtocol

/// The ops a bot token may be scoped to (`swarmd admin bot add --scopes …`), written out in
/// PROTOCOL.md §18 ("Bot tokens and scopes"). One list, so the admin command, the store and the
/// spec cannot disagree: case ops a bot may use, the read side of the knowledge base plus
/// sharing into a case, and the few chat ops an integration needs to post and read back.
public enum BotScopes {
    /// Knowledge-base ops bots may be given ([18.2]): reading approved articles and using them on
    /// cases. Never kb.create, kb.update, kb.state or kb.capture: bots write no articles.
    public static let kbOps: Set<Op> = [.kbSearch, .kbGet, .kbList, .kbShare, .kbSolved, .kbSuggest, .kbRender]

    /// Chat ops for integrations that post into and read back from their channels.
    public static let chatOps: Set<Op> = [.messagePost, .history, .threadGet, .channelJoin, .channelList]

    public static let scopable: Set<Op> = CasePermissions.botScopableOps.union(kbOps).union(chatOps)
}
