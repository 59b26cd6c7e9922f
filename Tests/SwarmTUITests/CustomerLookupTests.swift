import SwarmProtocol
import SwarmTUI
import Testing

/// How `/customer` and `swarm customer` read the way a person names a customer.
@Suite("Customer lookups")
struct CustomerLookupTests {
    @Test func customerLookups() {
        #expect(CustomerLookup.request("CU12").customer == "CU12")
        #expect(CustomerLookup.request("crm:SF-42").crmId == "SF-42")
        #expect(CustomerLookup.request("twitter:@maria").identity == Identity(channel: .twitter, handle: "@maria"))
        #expect(CustomerLookup.request("maria rossi").query == "maria rossi")
        #expect(CustomerLookup.request("whatsapp:+39 333 1234567").identity == Identity(channel: .whatsapp, handle: "+39 333 1234567"))
        #expect(CustomerLookup.request("pigeon:123").query == "pigeon:123")
        #expect(CustomerLookup.identity("email:") == nil)
    }

    @Test func helpListsTheSubcommands() {
        #expect(CommandParser.help("customer").contains("/customer merge CU4 CU9"))
    }
}
