import SwarmProtocol
import SwarmTUI
import Testing

/// How the client shows `reply.check` findings before asking "send anyway?".
@Suite("Tone findings in the client")
struct CareFindingLinesTests {
    @Test("one line per finding, quoting its place; a span out of the text is not quoted")
    func lines() {
        let text = "Si càlmi, ti rimborsiamo"
        let check = ReplyCheckReply(caseId: "CS1", language: "it", findings: [
            ToneFinding(rule: "forbidden_phrase", message: "avoid \"si calmi\"", span: TextSpan(start: 0, end: 8)),
            ToneFinding(rule: "address", message: "\"ti\" is informal", span: TextSpan(start: 10, end: 12)),
            ToneFinding(rule: "signature", message: "no signature"),
            ToneFinding(rule: "address", message: "odd", span: TextSpan(start: 5, end: 500)),
        ])
        #expect(CareCommands.findingLines(check, text: text) == [
            "Tone check (it): 4 findings",
            "  ⚠ forbidden_phrase: avoid \"si calmi\" «Si càlmi»",
            "  ⚠ address: \"ti\" is informal «ti»",
            "  ⚠ signature: no signature",
            "  ⚠ address: odd",
        ])
    }

    @Test("/case reply, redirect and csat are /case subcommands")
    func subcommands() {
        #expect(["reply", "redirect", "csat"].allSatisfy(CaseCommands.subcommands.contains))
    }
}

@Suite("Redirects and CSAT on case pages")
struct CarePagesTests {
    @Test("a redirect's timeline line names where the customer was sent")
    func redirectLine() {
        let e = TimelineEntry(id: "TL3", kind: "interaction", customer: "CU1", caseId: "CS1", at: "2026-11-25T12:25:38.813Z", channel: .twitter,
                              direction: .outbound, author: "anna", text: "Please DM us", externalId: nil, by: "U2", data: nil, redirectTo: .whatsapp)
        #expect(CasePages.timelineLine(e) == "11-25 12:25 twitter → anna ↪ redirected to whatsapp: Please DM us")
    }
}
