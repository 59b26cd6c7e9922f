import Foundation
import SwarmCore
import SwarmProtocol
import Testing

@Suite("Follow-up contacts reopen a recently solved case")
struct CaseFollowUpTests {
    let solved = Date(timeIntervalSince1970: 1_800_000_000)
    func hours(_ h: Double) -> Date { solved.addingTimeInterval(h * 3600) }

    @Test func withinTheWindowTheLatestSolvedCaseIsReopened() {
        let cases = [CaseFollowUp.Candidate(id: 1, status: .solved, solvedAt: solved.addingTimeInterval(-86_400)),
                     CaseFollowUp.Candidate(id: 2, status: .solved, solvedAt: solved),
                     CaseFollowUp.Candidate(id: 3, status: .closed, solvedAt: hours(1))]
        #expect(CaseFollowUp.caseToReopen(cases, contactAt: hours(2), windowHours: 72) == 2)
        #expect(CaseFollowUp.caseToReopen(cases, contactAt: hours(72), windowHours: 72) == 2, "the window's last moment counts")
        #expect(CaseFollowUp.caseToReopen(cases, contactAt: hours(72.01), windowHours: 72) == nil)
        #expect(CaseFollowUp.caseToReopen(cases, contactAt: hours(-1), windowHours: 72) == 2, "a late bridge still joins")
    }

    @Test func closedNeverSolvedAndAWindowOfZeroOpenANewCase() {
        #expect(CaseFollowUp.caseToReopen([.init(id: 3, status: .closed, solvedAt: solved)], contactAt: hours(1), windowHours: 72) == nil)
        #expect(CaseFollowUp.caseToReopen([.init(id: 4, status: .solved, solvedAt: nil)], contactAt: hours(1), windowHours: 72) == nil)
        #expect(CaseFollowUp.caseToReopen([.init(id: 2, status: .solved, solvedAt: solved)], contactAt: hours(1), windowHours: 0) == nil)
        #expect(CaseFollowUp.caseToReopen([], contactAt: hours(1), windowHours: 72) == nil)
    }
}
