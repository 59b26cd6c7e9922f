import GRDB
import GRDBSQLite

/// One token of a text as FTS5 indexes it: the folded term (lower case, accents removed) and its
/// UTF-8 byte range in the text.
struct KBToken {
    var term: String
    var start: Int
    var end: Int
}

/// Tokenizes in Swift with the knowledge-base tables' own FTS5 tokenizer (unicode61 through
/// SQLite), so highlights, snippets and the term list agree with the index byte for byte.
struct KBTokenizer {
    let tokenizer: any FTS5Tokenizer

    init(_ db: Database) throws {
        tokenizer = try db.makeTokenizer(KBSearchSchema.tokenizerDescriptor)
    }

    /// Every token of `utf8`, in order.
    func tokens(_ utf8: [UInt8], query: Bool = false) -> [KBToken] {
        let sink = Sink()
        utf8.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { text in
                _ = tokenizer.tokenize(context: Unmanaged.passUnretained(sink).toOpaque(), tokenization: query ? .query : .document,
                                       pText: text, nText: CInt(buffer.count)) { context, _, token, length, start, end in
                    guard let context, let token else { return SQLITE_OK }
                    let term = String(decoding: UnsafeRawBufferPointer(start: token, count: Int(length)), as: UTF8.self)
                    Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue().tokens.append(KBToken(term: term, start: Int(start), end: Int(end)))
                    return SQLITE_OK
                }
            }
        }
        return sink.tokens
    }

    func terms(_ text: String, query: Bool = false) -> [String] {
        tokens(Array(text.utf8), query: query).map(\.term)
    }

    private final class Sink {
        var tokens: [KBToken] = []
    }
}
