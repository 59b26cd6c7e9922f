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
}
