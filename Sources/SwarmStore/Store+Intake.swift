import SwarmCore
import SwarmProtocol

/// Intake signals (public/private, brand account, reach, verified) as stored per case.
extension SQLiteStore {
    static func signals(isPublic: Bool?, account: String?, reach: Int?, verified: Bool?) throws -> ContactSignals {
        do {
            return try ContactSignals.checked(isPublic: isPublic, account: account, reach: reach, verified: verified)
        } catch {
            throw SwarmError.badRequest(error.description)
        }
    }

    /// An inbound contact raises the case's signals (public once any contact was public, the first
    /// account reached, the largest reach, verified once any author was); outbound ones do not.
    static func recordCaseSignals(_ tx: WriteTx, caseId: Int64, _ s: ContactSignals, direction: Direction) throws {
        guard direction == .inbound, s != ContactSignals() else { return }
        try tx.db.execute("""
            UPDATE cases SET public = \(tx.db.greatest)(public, ?), account = COALESCE(account, ?), reach = \(tx.db.greatest)(reach, ?), verified = \(tx.db.greatest)(verified, ?)
            WHERE id = ?
            """, [s.isPublic == true, s.account, s.reach ?? 0, s.verified == true, caseId])
    }
}
