import GRDB
import GRDBSQLite

/// One token of a text as FTS5 indexes it: its UTF-8 byte range in the text, and which word of
/// a search it matches (`KBMatcher`), -1 for none.
struct KBToken {
    var start: Int32
    var end: Int32
    var match: Int32
}

/// The words of a search in FTS5's folded form (lower case, accents removed), compared with a
/// token's bytes as the tokenizer hands them over: no String per token.
struct KBMatcher {
    /// Matched whole; a token equal to `exact[i]` matches `i`.
    var exact: [[UInt8]]
    /// Matched as a prefix (the last word while typing); a token it begins matches `exact.count`.
    var prefix: [UInt8]?

    init(exact: [String], prefix: String?) {
        // A word typed twice is one word, and the prefix covers the word it is (`card card`):
        // each distinct word must be able to set its own bit in a snippet window.
        var seen = Set<String>(prefix.map { [$0] } ?? [])
        self.exact = exact.filter { seen.insert($0).inserted }.map { Array($0.utf8) }
        self.prefix = prefix.map { Array($0.utf8) }
    }

    /// Distinct words a snippet window can hold (bits of a UInt64).
    var count: Int { min(64, exact.count + (prefix == nil ? 0 : 1)) }

    func match(_ token: UnsafeRawBufferPointer) -> Int32 {
        for (i, word) in exact.enumerated() where word.count == token.count && word.elementsEqual(token) { return Int32(min(i, 63)) }
        if let prefix, token.count >= prefix.count, token.prefix(prefix.count).elementsEqual(prefix) { return Int32(min(exact.count, 63)) }
        return -1
    }
}

/// Tokenizes in Swift with the knowledge-base tables' own FTS5 tokenizer (unicode61 through
/// SQLite), so highlights, snippets and the word list agree with the index byte for byte.
struct KBTokenizer {
    let tokenizer: any FTS5Tokenizer

    init(_ db: Database) throws {
        tokenizer = try db.makeTokenizer(KBSearchSchema.tokenizerDescriptor)
    }

    /// The tokens of `utf8`, in order, each matched against `matcher`. With `enough`, tokenizing
    /// stops `enough` tokens after the first run of `enough` tokens that holds every word of the
    /// matcher (a snippet can do no better), and at the latest 25 × `enough` tokens after the
    /// first match: a long body need not be read to its end.
    /// `complete` tells whether the text was read to its end.
    func tokens(_ utf8: [UInt8], _ matcher: KBMatcher, enough: Int? = nil) -> (tokens: [KBToken], complete: Bool) {
        let sink = TokenSink(matcher: matcher, enough: enough)
        run(utf8, sink, query: false) { context, _, token, length, start, end in
            guard let context, let token else { return SQLITE_OK }
            return Unmanaged<TokenSink>.fromOpaque(context).takeUnretainedValue()
                .add(KBToken(start: start, end: end, match: -1), UnsafeRawBufferPointer(start: token, count: Int(length)))
        }
        return (sink.tokens, !sink.more)
    }

    /// The folded words of `text`, in order (`query`: tokenized as a MATCH pattern is).
    func terms(_ text: String, query: Bool = false) -> [String] {
        let sink = TermSink()
        run(Array(text.utf8), sink, query: query) { context, _, token, length, _, _ in
            guard let context, let token else { return SQLITE_OK }
            Unmanaged<TermSink>.fromOpaque(context).takeUnretainedValue().terms
                .append(String(decoding: UnsafeRawBufferPointer(start: token, count: Int(length)), as: UTF8.self))
            return SQLITE_OK
        }
        return sink.terms
    }

    private func run(_ utf8: [UInt8], _ sink: AnyObject, query: Bool, _ callback: FTS5TokenCallback) {
        utf8.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                _ = tokenizer.tokenize(context: Unmanaged.passUnretained(sink).toOpaque(), tokenization: query ? .query : .document,
                                       pText: text, nText: CInt(buffer.count), tokenCallback: callback)
            }
        }
    }

    private final class TokenSink {
        let matcher: KBMatcher
        let enough: Int?
        let all: UInt64
        var tokens: [KBToken] = []
        var stopAt: Int?
        var more = false

        init(matcher: KBMatcher, enough: Int?) {
            self.matcher = matcher
            self.enough = enough
            all = matcher.count >= 64 ? .max : (UInt64(1) << UInt64(matcher.count)) - 1
        }

        /// SQLITE_DONE stops the tokenizer.
        func add(_ token: KBToken, _ bytes: UnsafeRawBufferPointer) -> Int32 {
            var token = token
            token.match = matcher.match(bytes)
            tokens.append(token)
            // One token past the stop shows that more text follows; it is not kept.
            if let stopAt, tokens.count > stopAt { tokens.removeLast(); more = true; return SQLITE_DONE }
            guard let enough, token.match >= 0 else { return SQLITE_OK }
            if stopAt == nil { stopAt = tokens.count + 25 * enough }
            var seen: UInt64 = 0
            for t in tokens.suffix(enough) where t.match >= 0 { seen |= UInt64(1) << UInt64(t.match) }
            if seen == all { stopAt = min(stopAt!, tokens.count + enough) }
            return SQLITE_OK
        }
    }

    private final class TermSink {
        var terms: [String] = []
    }
}
