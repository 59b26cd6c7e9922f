import SwarmProtocol

extension Report {
    /// The case figures of one period, gathered case by case in one pass: each case counts in the
    /// figures its own times fall in (started, solved, closed, rated). A month's report adds
    /// 100,000 cases here once per group they belong to, so nothing is copied or filtered per figure.
    struct CaseTotals {
        let from: Double
        let to: Double
        var started = 0
        var firstResponses: [Double] = []
        var firstResponsesBusiness: [Double] = []
        var verdicts = 0
        var met = 0
        var handoffs = 0
        /// By text id (`ReportTextIds`): named once, when the figures are written.
        var topics: [Int64: Int] = [:]
        var solved = 0
        var resolutions: [Double] = []
        var solvedWithChannel = 0
        var resolvedInFirst = 0
        var redirected = 0
        var closed = 0
        var archiveTimes: [Double] = []
        var ratings = 0
        var ratingSum = 0
        var satisfied = 0

        init(from: Double, to: Double) {
            self.from = from
            self.to = to
        }

        func inPeriod(_ t: Double?) -> Bool { t.map { $0 >= from && $0 < to } ?? false }

        mutating func add(_ c: borrowing ReportCaseIds) {
            let start = c.start
            // Cases that started in the period: first response, SLA, hand-offs, topics.
            if inPeriod(start) {
                started += 1
                if let at = c.firstResponseAt { firstResponses.append(max(0, at - start)) }
                if let business = c.firstResponseBusinessSeconds { firstResponsesBusiness.append(business) }
                if let verdict = c.firstResponseMet {
                    verdicts += 1
                    if verdict { met += 1 }
                }
                handoffs += c.handoffs
                // A topic counts once per case, however often it was tagged.
                switch c.topics.count {
                case 0: break
                case 1: topics[c.topics[0], default: 0] += 1
                default: for t in Set(c.topics) { topics[t, default: 0] += 1 }
                }
            }
            // Cases solved in the period: resolution, channel of resolution.
            if inPeriod(c.solvedAt), let solvedAt = c.solvedAt {
                solved += 1
                resolutions.append(max(0, solvedAt - start))
                if c.firstChannel >= 0 {
                    solvedWithChannel += 1
                    if c.redirected == true { redirected += 1 }
                    if c.redirected != true && (c.resolvedChannel < 0 || c.resolvedChannel == c.firstChannel) { resolvedInFirst += 1 }
                }
            }
            // Cases closed (archived) in the period, and ratings given in it.
            if inPeriod(c.closedAt), let closedAt = c.closedAt {
                closed += 1
                if let solvedAt = c.solvedAt { archiveTimes.append(max(0, closedAt - solvedAt)) }
            }
            if inPeriod(c.csatAt), let score = c.csat {
                ratings += 1
                ratingSum += score
                if score >= 4 { satisfied += 1 }
            }
        }

        /// Adds `other`'s cases (two ids of one group name). The durations are sorted when summed,
        /// so their order does not matter.
        mutating func merge(_ other: CaseTotals) {
            started += other.started
            firstResponses += other.firstResponses
            firstResponsesBusiness += other.firstResponsesBusiness
            verdicts += other.verdicts
            met += other.met
            handoffs += other.handoffs
            topics.merge(other.topics, uniquingKeysWith: +)
            solved += other.solved
            resolutions += other.resolutions
            solvedWithChannel += other.solvedWithChannel
            resolvedInFirst += other.resolvedInFirst
            redirected += other.redirected
            closed += other.closed
            archiveTimes += other.archiveTimes
            ratings += other.ratings
            ratingSum += other.ratingSum
            satisfied += other.satisfied
        }

        /// Writes the case figures into `f`; `credited` is the period's credited responses, `topicName` names a topic id.
        func apply(to f: inout ReportFigures, credited: Int, sources: ReportSources, topicName: (Int64) -> String) {
            f.cases = started
            f.firstResponse = ReportStats.summary(firstResponses)
            f.within24h = ReportStats.ratio(firstResponses.lazy.filter { $0 <= 86_400 }.count, of: firstResponses.count)
            if sources.businessHours { f.firstResponseBusiness = ReportStats.summary(firstResponsesBusiness) }
            f.withinSLA = ReportStats.ratio(met, of: verdicts)
            f.handoffsPerCase = ReportStats.per(handoffs, started)
            if sources.topics {
                f.topTopics = Array(topics.map { TopicCount(topic: topicName($0.key), cases: $0.value) }
                    .sorted { ($0.cases, $1.topic) > ($1.cases, $0.topic) }.prefix(Report.topTopicsLimit))
            }
            f.solved = solved
            f.resolution = ReportStats.summary(resolutions)
            f.responsesPerAgentHour = ReportStats.per(credited, f.agentHours)
            f.solvedPerAgentHour = ReportStats.per(solved, f.agentHours)
            f.resolvedInFirstChannel = ReportStats.ratio(resolvedInFirst, of: solvedWithChannel)
            if sources.redirects { f.redirected = ReportStats.ratio(redirected, of: solvedWithChannel) }
            f.closed = closed
            f.timeToArchive = ReportStats.summary(archiveTimes)
            if sources.csat {
                f.csat = CSATFigure(ratings: ratings, mean: ratings == 0 ? nil : ReportStats.round(Double(ratingSum) / Double(ratings), 2),
                                    satisfied: ReportStats.ratio(satisfied, of: ratings).share)
            }
        }
    }
}
