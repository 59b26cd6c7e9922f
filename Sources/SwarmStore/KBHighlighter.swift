/// Marks a search's words in an article's title and picks the body snippet around them. Done in
/// Swift on the page's few articles, with the index's own tokenizer, because FTS5's highlight()
/// and snippet() need the MATCH that found the row: for a prefix that meant merging every
/// matching word's doclist again, once per page.
struct KBHighlighter {
    /// Words matched whole, and the last word when it matches as a prefix (FTS5's folded forms).
    var exact: Set<String>
    var prefix: String?
    let tokenizer: KBTokenizer

    static let mark = Array("**".utf8)
    static let ellipsis = "…"

    /// Which query word a token matches, if any: distinct words weigh more than repeats in a snippet.
    func key(_ term: String) -> String? {
        if exact.contains(term) { return term }
        if let prefix, term.utf8.starts(with: prefix.utf8) { return prefix + "*" }
        return nil
    }

    /// The whole text with every matching word wrapped in `**`.
    func highlight(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        let tokens = tokenizer.tokens(utf8)
        return render(utf8, tokens, tokens.indices)
    }

    /// Up to `size` tokens of `text` around the best cluster of matches (the most distinct words,
    /// then the most matches, the earliest on ties), marked, with `…` where the text was cut. No
    /// match: the start of the text, unmarked.
    func snippet(_ text: String, size: Int = 16) -> String {
        let utf8 = Array(text.utf8)
        let tokens = tokenizer.tokens(utf8)
        return render(utf8, tokens, window(tokens, size: size))
    }

    func window(_ tokens: [KBToken], size: Int) -> Range<Int> {
        let n = tokens.count
        guard n > size else { return 0..<n }
        let hits = tokens.indices.filter { key(tokens[$0].term) != nil }
        guard !hits.isEmpty else { return 0..<size }
        var best = (score: -1, start: 0)
        // Each of the first 64 matches starts a candidate: the matches that fit with it in one
        // window, centred. Long bodies full of a common word cost no more than that.
        for (i, first) in hits.prefix(64).enumerated() {
            var last = first
            var j = i + 1
            while j < hits.count, hits[j] < first + size { last = hits[j]; j += 1 }
            let start = min(max(0, first - (size - (last - first + 1)) / 2), n - size)
            var seen = Set<String>()
            var score = 0
            for k in hits[hits.firstIndex { $0 >= start }!...] {
                guard k < start + size else { break }
                score += seen.insert(key(tokens[k].term)!).inserted ? 1000 : 1
            }
            if score > best.score { best = (score, start) }
        }
        return best.start..<(best.start + size)
    }

    /// Tokens `range` of the text, from the text's start when the range starts at the first token
    /// and to its end when it ends at the last, matches marked.
    func render(_ utf8: [UInt8], _ tokens: [KBToken], _ range: Range<Int>) -> String {
        guard !range.isEmpty else { return String(decoding: utf8, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / max(1, tokens.count / max(1, range.count)) + 64)
        var cursor = range.lowerBound == 0 ? 0 : tokens[range.lowerBound].start
        let stop = range.upperBound == tokens.count ? utf8.count : tokens[range.upperBound - 1].end
        for t in tokens[range] where key(t.term) != nil {
            out += utf8[cursor..<t.start]
            out += Self.mark
            out += utf8[t.start..<t.end]
            out += Self.mark
            cursor = t.end
        }
        out += utf8[cursor..<stop]
        return (range.lowerBound > 0 ? Self.ellipsis : "") + String(decoding: out, as: UTF8.self)
            + (range.upperBound < tokens.count ? Self.ellipsis : "")
    }
}
