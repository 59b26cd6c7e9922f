import SwarmStore

/// PostgreSQL's LISTEN/NOTIFY as the wake-up, with the poll kept behind it. While LISTEN is in
/// place a commit on any node wakes this one within a round trip (`ClusterNode` runs the listener
/// and pokes the committer on each `swarm_log` notification and on every reconnect), so the poll
/// only guards against a listener that died without noticing: it runs every `pollWhileListening`
/// (`cluster.notify_poll_ms`, slow) instead of `poll` (`cluster.poll_ms`). Why slow it down at
/// all: on PostgreSQL each idle look is a read transaction on a pooled connection and a round trip
/// to a shared server, paid by every node, every interval, forever. When the listener is down
/// (PostgreSQL restarting, network) the poll runs at `poll` again.
struct NotifyWakeup: LogWakeup {
    let listener: PostgresListener
    let poll: Duration
    let pollWhileListening: Duration

    func run(wake: @escaping @Sendable () -> Void) async {
        while !Task.isCancelled {
            wake()
            // Short steps, so a listener lost in the middle of a slow wait falls back soon.
            var waited = Duration.zero
            repeat {
                try? await Task.sleep(for: poll)
                waited += poll
            } while !Task.isCancelled && listener.isListening && waited < pollWhileListening
        }
    }
}
