import SwarmProtocol

/// Taking a case (`case.update` with `owner`): the one way to pick work up without a hand-off.
/// Only for oneself: giving a case to someone else is a hand-off, which carries a note.
public enum CaseOwnership {
    public enum Take: Equatable, Sendable {
        /// The caller owns it already: nothing changes.
        case alreadyYours
        /// Becomes the caller's; `opens` when it was `new` (nobody owned it yet) and is now `open`.
        case take(opens: Bool)
    }

    /// Agents, leads and admins work cases; marketing and product staff help on cases they were
    /// swarmed into but never own them by taking; bots feed cases and never own them.
    public static func mayTake(_ role: Role) -> Bool {
        role == .agent || role == .lead || role == .admin
    }

    /// What taking does to a case owned by `owner` (nil: nobody) in `status`. A case someone
    /// else owns is a `conflict`: they hand it over (with a note), the caller does not grab it.
    public static func take(role: Role, caller: Int64, owner: Int64?, ownerName: String?, status: CaseStatus) throws -> Take {
        guard mayTake(role) else { throw SwarmError.forbidden("\(role.rawValue) may not take cases") }
        if owner == caller { return .alreadyYours }
        if owner != nil {
            throw SwarmError.conflict("the case belongs to @\(ownerName ?? "someone"); ask them to hand it off")
        }
        return .take(opens: status == .new)
    }
}
