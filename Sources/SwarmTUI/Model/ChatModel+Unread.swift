/// Where unread messages are: the "new since you left" line in a channel just opened, and the
/// channel Alt-A goes to next.
extension ChatModel {
    /// Puts the divider above the oldest of the messages that were unread at opening (counted
    /// from the newest, others' messages only, as the server counts them). Until the history
    /// holding them has come it waits; once it has (`final`), too few loaded means all are new.
    mutating func placeDivider(_ id: String, final: Bool) {
        guard var state = channels[id], state.unreadAtOpen > 0 else { return }
        let others = state.messages.filter { $0.author != me?.id }
        if others.count >= state.unreadAtOpen {
            state.firstUnread = others[others.count - state.unreadAtOpen].id
        } else if final {
            state.firstUnread = others.first?.id
        } else {
            return
        }
        state.unreadAtOpen = 0
        channels[id] = state
    }

    /// The next channel after the current one, in list order and round, with mentions or an unread
    /// direct message; failing that, with unread messages; nil when everything is read.
    public var nextUnread: String? {
        let order = channelOrder
        let candidates = order.firstIndex { $0.channel.id == current }.map { Array(order[($0 + 1)...] + order[..<$0]) } ?? order
        return (candidates.first { $0.mentions > 0 || ($0.channel.kind == .dm && $0.unread > 0) } ?? candidates.first { $0.unread > 0 })?.channel.id
    }
}
