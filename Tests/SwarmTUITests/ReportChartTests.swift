import SwarmProtocol
import SwarmTUI
import Testing

@Suite("Report charts and pages")
struct ReportChartTests {
    @Test("bars scale to the largest value in eighths of a cell; a non-zero value never draws empty")
    func bars() {
        // 8 cells × 8 eighths = 64 steps: 4 of 8 → 32 eighths = 4 full cells; 1 of 8 → 8 eighths = 1 cell; 1 of 64 → one eighth.
        #expect(ReportChart.bar(8, max: 8, width: 8) == "████████")
        #expect(ReportChart.bar(4, max: 8, width: 8) == "████")
        #expect(ReportChart.bar(1, max: 8, width: 8) == "█")
        #expect(ReportChart.bar(1, max: 64, width: 8) == "▏")
        #expect(ReportChart.bar(1, max: 10_000, width: 8) == "▏")
        #expect(ReportChart.bar(0, max: 8, width: 8) == "")
        let lines = ReportChart.bars([("09h", 2, "2"), ("10h", 0, "0"), ("11h", 1, "1")], width: 4)
        #expect(lines == ["09h │████ 2", "10h │     0", "11h │██   1"])
    }

    @Test("sparkline: lowest to highest block, gaps for hours without a value")
    func sparkline() {
        // 8 levels (0–7): 7 of 14 → 3.5 → level 4 (▅).
        #expect(ReportChart.sparkline([0, 7, 14, nil]) == "▁▅█ ")
        #expect(ReportChart.sparkline([0, 0]) == "▁▁")
    }

    @Test("the page shows the figures and, per day, the volume chart; durations read as a person says them")
    func page() {
        let f = ReportFigures(inbound: 3, inboundByChannel: [ChannelVolume(channel: "email", count: 3)], responses: 2,
                              responseRate: Ratio(count: 2, of: 3, share: 0.6667), cases: 2,
                              firstResponse: DurationSummary(count: 2, mean: 1_200, median: 1_200, p90: 1_800))
        let reply = ReportGetReply(from: "2026-03-02T00:00:00.000Z", to: "2026-03-04T00:00:00.000Z", groupBy: .day, scope: "all", figures: f,
                                   groups: [ReportGroup(key: "2026-03-02T00:00:00.000Z", figures: f), ReportGroup(key: "2026-03-03T00:00:00.000Z", figures: ReportFigures())],
                                   unavailable: ["csat"])
        let lines = ReportPages.page(reply, chartWidth: 4)
        #expect(lines.contains { $0.contains("Response rate") && $0.hasSuffix("66.7% (2 of 3)") })
        #expect(lines.contains { $0.contains("First response") && $0.hasSuffix("mean 20m, median 20m, p90 30m (2 cases)") })
        #expect(lines.contains("2026-03-02 │████ 3"))
        #expect(lines.contains("2026-03-03 │     0"))
        #expect(lines.contains { $0.contains("not recorded on this server: csat") })
        #expect(ReportPages.duration(90_000) == "1d 1h" && ReportPages.duration(45) == "45s" && ReportPages.duration(5_400) == "1h 30m")
    }
}
