/// Marks a search's words in an article's title and picks the body snippet around them. Done in
/// Swift on the page's few articles, with the index's own tokenizer, because FTS5's highlight()
/// and snippet() need the MATCH that found the row: for a prefix that meant merging every
/// matching word's doclist again, once per page.
struct KBHighlighter {
    let matcher: KBMatcher
    let tokenizer: KBTokenizer

    static let mark = Array("**".utf8)
    static let ellipsis = "…"

    /// The whole text with every matching word wrapped in `**`.
    func highlight(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        let tokens = tokenizer.tokens(utf8, matcher).tokens
        return render(utf8, tokens, tokens.indices, more: false)
    }

    /// Up to `size` tokens of `text` around the best cluster of matches (the most distinct words,
    /// then the most matches, the earliest on ties; reading stops after the first window that
    /// holds every word), marked, with `…` where the text was cut. No match: the start of the
    /// text, unmarked.
    func snippet(_ text: String, size: Int = 16) -> String {
        let utf8 = Array(text.utf8)
        let (tokens, complete) = tokenizer.tokens(utf8, matcher, enough: size)
        return render(utf8, tokens, window(tokens, size: size), more: !complete)
    }

    func window(_ tokens: [KBToken], size: Int) -> Range<Int> {
        let n = tokens.count
        guard n > size else { return 0..<n }
        let hits = tokens.indices.filter { tokens[$0].match >= 0 }
        guard !hits.isEmpty else { return 0..<size }
        var best = (score: -1, start: 0)
        // Each match starts a candidate: the matches that fit with it in one window, centred.
        // Reading stopped at most 400 tokens after the first match, so this stays small.
        for (i, first) in hits.enumerated() {
            var last = first
            var j = i + 1
            while j < hits.count, hits[j] < first + size { last = hits[j]; j += 1 }
            let start = min(max(0, first - (size - (last - first + 1)) / 2), n - size)
            var seen: UInt64 = 0
            var repeats = 0
            for k in hits[(hits.firstIndex { $0 >= start } ?? hits.endIndex)...] {
                guard k < start + size else { break }
                let bit = UInt64(1) << UInt64(tokens[k].match)
                if seen & bit == 0 { seen |= bit } else { repeats += 1 }
            }
            let score = 1000 * seen.nonzeroBitCount + repeats
            if score > best.score { best = (score, start) }
        }
        return best.start..<(best.start + size)
    }

    /// Tokens `range` of the text, from the text's start when the range starts at the first token
    /// and to its end when it ends at the last (and no tokens were left unread, `more`), matches
    /// marked.
    func render(_ utf8: [UInt8], _ tokens: [KBToken], _ range: Range<Int>, more: Bool) -> String {
        guard !range.isEmpty else { return String(decoding: utf8, as: UTF8.self) }
        var out: [UInt8] = []
        var cursor = range.lowerBound == 0 ? 0 : Int(tokens[range.lowerBound].start)
        let last = range.upperBound == tokens.count && !more
        let stop = last ? utf8.count : Int(tokens[range.upperBound - 1].end)
        out.reserveCapacity(stop - cursor + 32)
        for t in tokens[range] where t.match >= 0 {
            out += utf8[cursor..<Int(t.start)]
            out += Self.mark
            out += utf8[Int(t.start)..<Int(t.end)]
            out += Self.mark
            cursor = Int(t.end)
        }
        out += utf8[cursor..<stop]
        return (range.lowerBound > 0 ? Self.ellipsis : "") + String(decoding: out, as: UTF8.self)
            + (last ? "" : Self.ellipsis)
    }
}
