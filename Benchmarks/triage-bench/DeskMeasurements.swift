import BenchSupport
import Foundation
import SwarmClient
import SwarmProtocol
import SwarmStore

extension TriageBench {
    /// The desk's own reads; filled in as the triage parts land.
    func measureDesk(_ store: SQLiteStore, _ lead: Principal, _ conn: SwarmConnection, _ rows: inout [(String, LatencyStats)]) async throws {
    }
}
