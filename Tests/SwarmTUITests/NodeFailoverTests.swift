import SwarmTUI
import Testing

@Suite("Failing over between nodes")
struct NodeFailoverTests {
    @Test("a lost node moves to the next at once; the backoff waits only after every node failed in a row")
    func failover() {
        var m = ReconnectMachine(random: { 0.5 })
        m.nodes = 3
        #expect(m.start() == .connect)
        #expect(m.node == 0)
        m.connected()
        // Node 0 drops: nodes 1 and 2 are tried at once.
        #expect(m.lost(closeCode: 1006) == .connect)
        #expect(m.node == 1)
        #expect(m.lost(closeCode: nil) == .connect)
        #expect(m.node == 2)
        // All three failed in a row: wait, then go on round the list with a longer wait per round.
        #expect(m.lost(closeCode: nil) == .wait(seconds: 1.0))
        #expect(m.node == 0)
        #expect(m.waited() == .connect)
        #expect(m.lost(closeCode: nil) == .connect)
        #expect(m.lost(closeCode: nil) == .connect)
        #expect(m.lost(closeCode: nil) == .wait(seconds: 2.0))
        _ = m.waited()
        // Node 0 answers; when it drops later, the others are tried at once again.
        m.connected()
        #expect(m.lost(closeCode: 1006) == .connect)
        #expect(m.node == 1)
        m.connected()
        #expect(m.lost(closeCode: 4001) == .stop("unauthorized"), "a refused token is refused by every node")
    }

    @Test("one node: the backoff is what it always was")
    func singleNode() {
        var m = ReconnectMachine(random: { 0.5 })
        #expect(m.start() == .connect)
        #expect(m.lost(closeCode: nil) == .wait(seconds: 1.0))
        #expect(m.node == 0)
        _ = m.waited()
        m.connected()
        #expect(m.lost(closeCode: 1006) == .wait(seconds: 0.5))
    }

    @Test("the status line names the node in use when there is a choice")
    func statusLine() {
        var model = ChatModel()
        model.connection = .live
        func status() -> String { ChatRenderer().render(model, editor: LineEditor(), width: 80, height: 8).lines[6] }
        #expect(status().contains("live") && !status().contains("@"))
        model.node = "10.0.0.2:7420"
        #expect(status().contains("live @ 10.0.0.2:7420"))
    }
}
