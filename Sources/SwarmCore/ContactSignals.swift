/// What an inbound or outbound contact says about its reach, beyond its text: whether anyone can
/// read it (a public post or comment) or only we can (DM, mail, call), which brand account it reached
/// (`@acme_care` vs `@acme`), and the author's audience. The triage queue, SLA policies and reports
/// read these; the store keeps them per contact (timeline) and per case (the strongest seen).
public struct ContactSignals: Sendable, Equatable {
    /// nil: not said (treated as private).
    public var isPublic: Bool?
    /// The brand account, normalized (`@acme_care`): trimmed, lower-cased.
    public var account: String?
    /// Followers of the author; nil when unknown.
    public var reach: Int?
    public var verified: Bool?

    public init(isPublic: Bool? = nil, account: String? = nil, reach: Int? = nil, verified: Bool? = nil) {
        self.isPublic = isPublic
        self.account = account
        self.reach = reach
        self.verified = verified
    }

    public static let maxReach = 10_000_000_000
    public static let maxAccountLength = 100

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case account, reach
        public var description: String {
            switch self {
            case .account: "account must be 1–\(ContactSignals.maxAccountLength) characters without control characters"
            case .reach: "reach must be 0–\(ContactSignals.maxReach)"
            }
        }
    }

    /// Checks and normalizes what a client sent.
    public static func checked(isPublic: Bool?, account: String?, reach: Int?, verified: Bool?) throws(Invalid) -> ContactSignals {
        var normalized: String?
        if let account {
            let trimmed = account.trimmingWhitespace().lowercased()
            guard !trimmed.isEmpty, trimmed.count <= maxAccountLength,
                  !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { throw .account }
            normalized = trimmed
        }
        if let reach, reach < 0 || reach > maxReach { throw .reach }
        return ContactSignals(isPublic: isPublic, account: normalized, reach: reach, verified: verified)
    }

    /// Whether `account` is one of the brand's accounts dedicated to customer care (config
    /// `intake.dedicated_accounts`, compared normalized).
    public static func isDedicated(_ account: String?, in dedicated: Set<String>) -> Bool? {
        guard let account else { return nil }
        return dedicated.contains(account)
    }

    public static func normalizedAccounts(_ accounts: [String]) -> Set<String> {
        Set(accounts.map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty })
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
