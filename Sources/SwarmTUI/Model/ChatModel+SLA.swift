import Foundation
import SwarmProtocol

extension ChatModel {
    /// `sla.warning` / `sla.breached`: the case card takes the new clocks (the status line
    /// countdown follows) and the user is notified like a mention (status line, bell, output pane).
    mutating func applySLA(_ ev: String, _ data: JSONValue) -> Bool {
        guard let e = try? data.decode(SLAAlertEvent.self) else { return false }
        casesByThread[e.caseInfo.thread] = e.caseInfo
        let clock = e.clock.replacingOccurrences(of: "_", with: " ")
        let due = CasePages.short(e.dueAt)
        if ev == EventName.slaWarning.rawValue {
            alert("SLA warning: \(e.caseInfo.id) “\(e.caseInfo.title)” \(clock) due at \(due) (/case show \(e.caseInfo.id))")
        } else {
            alert("SLA breached: \(e.caseInfo.id) “\(e.caseInfo.title)” \(clock) was due at \(due) (/case show \(e.caseInfo.id))")
        }
        return true
    }
}
