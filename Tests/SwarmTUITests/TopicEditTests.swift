import SwarmTUI
import Testing

@Suite("/case topics words")
struct TopicEditTests {
    @Test("plus or bare words add, minus words remove, folded to lower case; nothing given shows")
    func parse() {
        #expect(TopicEdit(["+Delivery", "-refund", "billing"]) == TopicEdit(add: ["delivery", "billing"], remove: ["refund"]))
        #expect(TopicEdit([]).isEmpty)
        #expect(TopicEdit(["+", "-"]).isEmpty)
    }
}
