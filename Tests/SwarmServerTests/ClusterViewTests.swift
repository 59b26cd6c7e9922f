@testable import SwarmServer
import SwarmProtocol
import SwarmStore
import Testing

/// `ClusterView` keeps presence and rate-limit splits up to date from each read's changes. Fed
/// random histories of three nodes' rows (writes, departures, a node restarting with a new
/// generation, dying, coming back) through reads shaped as `PostgresClusterState.exchange` shapes
/// them, what the hub and the limiter were told must always add up to a rebuild from every row.
@Suite("Cluster view from read deltas")
struct ClusterViewTests {
    /// The cluster tables as the reads see them.
    struct Tables {
        struct Node {
            var generation: Int64
            var version: Int64 = 0
            var rows: [Int64: ClusterPresenceRow] = [:]
            var gone: [Int64: Int64] = [:]
        }
        var nodes: [String: Node] = [:]
        var live: Set<String> = []
        var clock: Int64 = 0

        mutating func tick() -> Int64 {
            clock += 1
            return clock
        }

        /// What `exchange` returns to a reader that knows `known`.
        func read(known: [String: ClusterNodeVersion]) -> ([String: ClusterNodeVersion], [String: ClusterRowChanges]) {
            var versions: [String: ClusterNodeVersion] = [:]
            var changed: [String: ClusterRowChanges] = [:]
            for name in live {
                let node = nodes[name]!
                let now = ClusterNodeVersion(generation: node.generation, version: node.version)
                versions[name] = now
                guard known[name] != now else { continue }
                if let before = known[name], before.generation == now.generation {
                    let rows = node.rows.values.filter { row in node.gone[row.user] == nil && rowVersion(name, row.user) > before.version }
                    changed[name] = ClusterRowChanges(complete: false, rows: rows.sorted { $0.user < $1.user },
                                                      gone: node.gone.filter { $0.value > before.version }.map(\.key).sorted())
                } else {
                    changed[name] = ClusterRowChanges(complete: true, rows: node.rows.values.sorted { $0.user < $1.user }, gone: [])
                }
            }
            return (versions, changed)
        }

        var rowVersions: [String: [Int64: Int64]] = [:]
        func rowVersion(_ node: String, _ user: Int64) -> Int64 { rowVersions[node]?[user] ?? 0 }
    }

    /// What the hub and the limiter hold, built only from what they were told.
    struct Told {
        var own: [Int64: PresenceStatus] = [:]
        var others: [Int64: PresenceStatus] = [:]
        var shares: [Int64: Int] = [:]

        mutating func take(_ c: ClusterView.Changes) {
            for (user, status) in c.own { own[user] = status }
            for (user, status) in c.others { others[user] = status }
            for (key, nodes) in c.shares { shares[key] = nodes > 1 ? nodes : nil }
        }
    }

    @Test("what each read tells the hub and the limiter adds up to a rebuild from every row", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func deltasMatchRebuild(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let names = ["a", "b", "c"]
        let statuses = ["online", "away", "dnd", "bogus"]
        var tables = Tables()
        for name in names {
            tables.nodes[name] = .init(generation: 1)
            tables.live.insert(name)
        }
        var view = ClusterView(node: "b")
        var told = Told()
        var lastOwn: [Int64: PresenceStatus] = [:]
        for step in 0..<400 {
            // A few changes on random nodes, each under a new version as the exchange draws them.
            for _ in 0..<(1 + random.below(6)) {
                let name = names[random.below(names.count)]
                let user = Int64(1 + random.below(12))
                let version = tables.tick()
                switch random.below(10) {
                case 0..<6:
                    let keys = Array(Set((0..<random.below(3)).map { _ in Int64(100 + random.below(8)) })).sorted()
                    let row = ClusterPresenceRow(node: name, user: user, status: statuses[random.below(statuses.count)], limitKeys: keys)
                    tables.nodes[name]!.rows[user] = row
                    tables.nodes[name]!.gone[user] = nil
                    tables.rowVersions[name, default: [:]][user] = version
                case 6..<9:
                    if tables.nodes[name]!.rows.removeValue(forKey: user) != nil { tables.nodes[name]!.gone[user] = version }
                default:
                    if name == "b" { break }
                    if random.below(2) == 0 {
                        // Dies (its rows stay, unread), or comes back.
                        if tables.live.contains(name) { tables.live.remove(name) } else { tables.live.insert(name) }
                    } else {
                        // Swept and inserted again: a new generation, its rows written anew.
                        tables.nodes[name]!.generation = version
                        tables.nodes[name]!.gone = [:]
                    }
                }
                tables.nodes[name]!.version = version
            }
            let recheck: Set<Int64> = random.below(4) == 0 ? [Int64(1 + random.below(12))] : []
            let (live, changed) = tables.read(known: view.known)
            let changes = view.take(live: live, changed: changed, recheck: recheck)
            told.take(changes)
            #expect(recheck.isSubset(of: Set(changes.others.keys)), "step \(step): a user asked for was not given again")

            let rebuilt = view.fullRebuild()
            #expect(told.others == rebuilt.others, "step \(step), seed \(seed): presence from other nodes")
            #expect(view.nodesByKey == rebuilt.nodesByKey, "step \(step), seed \(seed): nodes per key")
            #expect(told.shares == rebuilt.nodesByKey.mapValues { $0 + 1 }, "step \(step), seed \(seed): the limiter's splits")
            // Every own row that changed (came or took another status) was told.
            for (user, status) in rebuilt.own where lastOwn[user] != status {
                #expect(changes.own[user] == status, "step \(step), seed \(seed): own row of \(user)")
            }
            lastOwn = rebuilt.own
            // What the reads kept is what the tables hold for the live nodes.
            for name in tables.live {
                #expect(view.nodes[name]?.rows == tables.nodes[name]!.rows, "step \(step), seed \(seed): rows of \(name)")
            }
        }
    }
}

extension ClusterView {
    /// Everything rebuilt from every row: what `take` keeps up to date.
    func fullRebuild() -> (own: [Int64: PresenceStatus], others: [Int64: PresenceStatus], nodesByKey: [Int64: Int]) {
        var own: [Int64: PresenceStatus] = [:]
        var others: [Int64: PresenceStatus] = [:]
        var byKey: [Int64: Int] = [:]
        for (name, entry) in nodes.sorted(by: { $0.key < $1.key }) {
            for row in entry.rows.values {
                guard let status = PresenceStatus(rawValue: row.status) else { continue }
                if name == node {
                    own[row.user] = status
                    continue
                }
                if others[row.user] == nil { others[row.user] = status }
                for key in row.limitKeys { byKey[key, default: 0] += 1 }
            }
        }
        return (own, others, byKey)
    }
}
