import Foundation
import GRDB
import GRDBSQLite

/// `swarm_rank(kb_fts, w_title, w_tags, w_body, docs_0, docs_1, …)`: FTS5's bm25 (k1 1.2, b 0.75,
/// column weights, lower is better) with each phrase's document count given by the caller
/// (from `kb_terms`) instead of counted. The built-in bm25 counts it on its first row by reading
/// the phrase's whole doclist: for a common word or an expanded prefix that alone cost more than
/// scoring the capped candidates. Registered on every connection of the store.
enum KBRankFunction {
    static let name = "swarm_rank"

    static func register(_ db: Database) {
        let api = FTS5.api(db)
        _ = api.pointee.xCreateFunction(UnsafeMutablePointer(mutating: api), name, nil, rank, nil)
    }
}

private let rank: fts5_extension_function = { api, fts, context, count, values in
    guard let api = api?.pointee, let values, count >= 3 else {
        sqlite3_result_error(context, "swarm_rank(table, weights…, docs…)", -1)
        return
    }
    let columns = Int(api.xColumnCount(fts))
    let phrases = Int(api.xPhraseCount(fts))
    guard Int(count) == columns + phrases else {
        sqlite3_result_error(context, "swarm_rank needs one weight per column and one document count per phrase", -1)
        return
    }
    var rows: Int64 = 0
    var totalTokens: Int64 = 0
    var rowTokens: Int32 = 0
    guard api.xRowCount(fts, &rows) == SQLITE_OK, api.xColumnTotalSize(fts, -1, &totalTokens) == SQLITE_OK,
          api.xColumnSize(fts, -1, &rowTokens) == SQLITE_OK else {
        sqlite3_result_error_code(context, SQLITE_ERROR)
        return
    }
    let n = Double(max(rows, 1))
    let averageLength = Double(totalTokens) / n
    let lengthFactor = 1.2 * (0.25 + 0.75 * Double(rowTokens) / max(averageLength, 1))
    var score = 0.0
    for p in 0..<phrases {
        // Each phrase's own position list, walked in place (xInstCount would first merge every
        // phrase's positions into one allocated array).
        var frequency = 0.0
        var iterator = Fts5PhraseIter()
        var column: Int32 = 0, offset: Int32 = 0
        guard api.xPhraseFirst(fts, Int32(p), &iterator, &column, &offset) == SQLITE_OK else { continue }
        while column >= 0 {
            frequency += sqlite3_value_double(values[Int(column)])
            api.xPhraseNext(fts, &iterator, &column, &offset)
        }
        guard frequency > 0 else { continue }
        let docs = min(max(sqlite3_value_double(values[columns + p]), 0), n)
        let idf = max(log((n - docs + 0.5) / (docs + 0.5)), 1e-6)
        score += idf * frequency * 2.2 / (frequency + lengthFactor)
    }
    sqlite3_result_double(context, -score)
}
