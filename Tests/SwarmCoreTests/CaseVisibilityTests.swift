import SwarmCore
import SwarmProtocol
import Testing

@Suite("Who may see a case")
struct CaseVisibilityTests {
    static let scopedBot = TokenScope(ops: ["case.get"], channels: ["support*"])

    static func facts(_ kind: ChannelKind, _ name: String = "support", member: Bool = false, swarmed: Bool = false) -> CaseVisibility.Facts {
        CaseVisibility.Facts(channelKind: kind, channelName: name, isMember: member, isSwarmed: swarmed)
    }

    @Test func leadsAndAdminsSeeEveryCase() {
        for role in [Role.lead, .admin] {
            #expect(CaseVisibility.maySee(.init(role: role), Self.facts(.private, "vip")))
            #expect(CaseVisibility.maySee(.init(role: role), Self.facts(.public)))
        }
    }

    @Test func agentsSeePublicCasesAndThoseOfTheirPrivateChannels() {
        let agent = CaseVisibility.Reader(role: .agent)
        #expect(CaseVisibility.maySee(agent, Self.facts(.public)))
        #expect(!CaseVisibility.maySee(agent, Self.facts(.private, "vip")))
        #expect(CaseVisibility.maySee(agent, Self.facts(.private, "vip", member: true)))
        // A swarm record alone does not open a private channel's case to an agent: case.join
        // makes them a member, which does.
        #expect(!CaseVisibility.maySee(agent, Self.facts(.private, "vip", swarmed: true)))
    }

    @Test func marketingAndProductSeeOnlyCasesTheyWereSwarmedInto() {
        for role in [Role.marketing, .product] {
            let reader = CaseVisibility.Reader(role: role)
            #expect(!CaseVisibility.maySee(reader, Self.facts(.public)))
            #expect(!CaseVisibility.maySee(reader, Self.facts(.public, member: true)))
            #expect(CaseVisibility.maySee(reader, Self.facts(.public, swarmed: true)))
            #expect(CaseVisibility.maySee(reader, Self.facts(.private, "vip", swarmed: true)))
        }
    }

    @Test func botsSeeCasesInChannelsTheirScopedTokenMatches() {
        #expect(CaseVisibility.maySee(.init(role: .bot, scope: Self.scopedBot), Self.facts(.public, "support-eu")))
        #expect(CaseVisibility.maySee(.init(role: .bot, scope: Self.scopedBot), Self.facts(.private, "support-vip")))
        #expect(!CaseVisibility.maySee(.init(role: .bot, scope: Self.scopedBot), Self.facts(.public, "sales", member: true)))
        // A token without scopes may use no case op, so it sees no case.
        #expect(!CaseVisibility.maySee(.init(role: .bot), Self.facts(.public, member: true)))
    }

    /// The rule is the per-case half of the permission table: for every role, op and case it
    /// answers what the table in PROTOCOL.md §18.1 says (the former `authorize`, written out).
    @Test func agreesWithThePermissionTable() {
        for role in Role.allCases {
            let scope = role == .bot ? Self.scopedBot : .unlimited
            for op in CasePermissions.caseOps {
                for kind in [ChannelKind.public, .private] {
                    for name in ["support", "sales"] {
                        for member in [false, true] {
                            for swarmed in [false, true] {
                                let f = Self.facts(kind, name, member: member, swarmed: swarmed)
                                let expected: Bool
                                switch CasePermissions.access(role, op) {
                                case .none: expected = false
                                case .swarmed: expected = swarmed
                                case .scoped: expected = TokenScope.matches(pattern: "support*", name)
                                case .any: expected = role == .lead || role == .admin || kind == .public || member
                                }
                                #expect(CaseVisibility.allows(CasePermissions.access(role, op), .init(role: role, scope: scope), f) == expected,
                                        "\(role.rawValue) \(op.rawValue) \(kind.rawValue) #\(name) member=\(member) swarmed=\(swarmed)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test func privateCasesAreQueuedOnlyInTheirOwnChannel() {
        #expect(CaseVisibility.mayQueue(caseChannelKind: .public, caseChannel: 1, in: 2))
        #expect(CaseVisibility.mayQueue(caseChannelKind: .private, caseChannel: 1, in: 1))
        #expect(!CaseVisibility.mayQueue(caseChannelKind: .private, caseChannel: 1, in: 2))
    }
}
