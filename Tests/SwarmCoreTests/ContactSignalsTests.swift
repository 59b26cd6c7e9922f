import SwarmCore
import Testing

@Suite("Contact signals")
struct ContactSignalsTests {
    @Test("accounts are trimmed and lower-cased; dedicated is decided on the normalized name")
    func normalized() throws {
        let s = try ContactSignals.checked(isPublic: true, account: "  @ACME_Care ", reach: 48_000, verified: nil)
        #expect(s.account == "@acme_care")
        let dedicated = ContactSignals.normalizedAccounts([" @Acme_Care", ""])
        #expect(dedicated == ["@acme_care"])
        #expect(ContactSignals.isDedicated(s.account, in: dedicated) == true)
        #expect(ContactSignals.isDedicated("@acme", in: dedicated) == false)
        #expect(ContactSignals.isDedicated(nil, in: dedicated) == nil)
    }

    @Test("empty or control-character accounts and reach out of range are refused")
    func refused() {
        #expect(throws: ContactSignals.Invalid.account) { try ContactSignals.checked(isPublic: nil, account: " \t", reach: nil, verified: nil) }
        #expect(throws: ContactSignals.Invalid.account) { try ContactSignals.checked(isPublic: nil, account: "a\u{7}b", reach: nil, verified: nil) }
        #expect(throws: ContactSignals.Invalid.account) {
            try ContactSignals.checked(isPublic: nil, account: String(repeating: "a", count: 101), reach: nil, verified: nil)
        }
        #expect(throws: ContactSignals.Invalid.reach) { try ContactSignals.checked(isPublic: nil, account: nil, reach: -1, verified: nil) }
        #expect(throws: ContactSignals.Invalid.reach) {
            try ContactSignals.checked(isPublic: nil, account: nil, reach: ContactSignals.maxReach + 1, verified: nil)
        }
        #expect((try? ContactSignals.checked(isPublic: nil, account: nil, reach: 0, verified: nil)) != nil)
    }
}
