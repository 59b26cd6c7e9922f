/// The statements that check a bearer token: a `hello` runs one per connection, the bot API one
/// per request, and a session one after each revocation it sees. They are named here, not
/// written where they run, because PostgreSQL keeps them prepared on each connection
/// (`PostgresPreparedReads`): parsed and planned once, not on every login.
///
/// The columns are listed, not `u.*`: a prepared statement's result must keep its shape, and a
/// migration that adds a column to `users` (run by a newer node while this one is up) would
/// otherwise fail every login here with "cached plan must not change result type".
enum TokenReads {
    private static let principalColumns = "u.id, u.name, u.display_name, u.role, u.skills, t.id AS token_id, t.scopes, t.channel_patterns"
    /// A token and its user, both still usable: the one rule of what a live token is.
    private static func liveToken(where column: String) -> String {
        """
        FROM tokens t JOIN users u ON u.id = t.user_id
        WHERE t.\(column) = ? AND t.revoked_at IS NULL AND u.deactivated_at IS NULL
        """
    }

    /// The principal of a token's hash.
    static let principal = "SELECT \(principalColumns) \(liveToken(where: "hash"))"

    /// The principal, with the event log's head and how far retention pruned it, in one snapshot.
    static let sessionStart = """
        SELECT \(principalColumns), (\(SQLiteStore.headQuery)) AS log_head,
          (SELECT value FROM meta WHERE key = 'pruned_through') AS log_pruned_through
        \(liveToken(where: "hash"))
        """

    /// 1 when the token (by id) is live.
    static let live = "SELECT 1 \(liveToken(where: "id"))"
}
