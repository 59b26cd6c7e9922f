import Foundation

/// Migration `pg-v4-cluster-nodes`: what the nodes sharing one PostgreSQL database know about each
/// other, for presence, typing and rate limits across nodes (PROTOCOL §27).
///
/// - `cluster_nodes`: one row per running node (a random id per process start), its heartbeat
///   stamped with the database's clock, so nodes' own clocks never matter. A node whose heartbeat
///   is older than `cluster.node_timeout_ms` is dead: its rows are ignored, and swept later.
/// - `cluster_presence`: per node, the users with a live session there, the status they chose and
///   the rate-limit keys (token ids, or negated user ids) of those sessions. A node that starts or
///   reconnects reads the others' current state from here; NOTIFY only says "read again".
/// - `cluster_nodes.version`: taken from `cluster_version` whenever a node's rows change (by
///   itself, or a status set on another node), so a reader re-reads only the nodes whose version
///   moved: an idle heartbeat reads one short row per node, not every session of the cluster.
///
/// UNLOGGED: this is the state of running processes, rewritten by them, not data. It costs no WAL
/// and is emptied after a PostgreSQL crash, which is right: every live node writes its rows again
/// when it finds its node row gone.
enum PostgresClusterSchema {
    static let v4 = """
    CREATE SEQUENCE cluster_version;
    CREATE UNLOGGED TABLE cluster_nodes (
        node TEXT PRIMARY KEY,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        version BIGINT NOT NULL DEFAULT nextval('cluster_version'));
    CREATE UNLOGGED TABLE cluster_presence (
        node TEXT NOT NULL REFERENCES cluster_nodes(node) ON DELETE CASCADE,
        user_id BIGINT NOT NULL,
        status TEXT NOT NULL,
        limit_keys TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (node, user_id));
    CREATE INDEX cluster_presence_user ON cluster_presence(user_id);
    """

    /// Migration `pg-v6-cluster-row-versions`: each presence row carries the version it was last
    /// written at (from `cluster_version`, whose default cache of 1 keeps its values rising in
    /// the order they are drawn), and a user whose last session on a node went is noted in
    /// `cluster_presence_gone` at the version of that change. So a reader whose copy of a node's
    /// rows is at version v reads only the rows and departures above v
    /// (`PostgresClusterState.readRows`), not all of the node's rows whenever one changed: in a
    /// login storm over three nodes that whole-node read was a quarter of each node's CPU.
    /// Departures live in their own table so that a node of an older swarmd, during an upgrade,
    /// still reads `cluster_presence` as it did; `row_versions` marks the nodes that version
    /// their rows, and a node without it is read whole. (While both run, a status set by an older
    /// node changes rows without their versions: a newer node shows it when the row is next
    /// written.) Departures go with their node's row (a clean stop, or the sweep of a dead node);
    /// a user who comes back takes theirs out.
    static let v6 = """
    ALTER TABLE cluster_presence ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX cluster_presence_changes ON cluster_presence(node, version);
    CREATE UNLOGGED TABLE cluster_presence_gone (
        node TEXT NOT NULL REFERENCES cluster_nodes(node) ON DELETE CASCADE,
        user_id BIGINT NOT NULL,
        version BIGINT NOT NULL,
        PRIMARY KEY (node, user_id));
    CREATE INDEX cluster_presence_gone_changes ON cluster_presence_gone(node, version);
    ALTER TABLE cluster_nodes ADD COLUMN row_versions BOOLEAN NOT NULL DEFAULT false;
    """
}
