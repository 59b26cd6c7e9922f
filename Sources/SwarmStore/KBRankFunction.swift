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
    var instances: Int32 = 0
    guard api.xRowCount(fts, &rows) == SQLITE_OK, api.xColumnTotalSize(fts, -1, &totalTokens) == SQLITE_OK,
          api.xColumnSize(fts, -1, &rowTokens) == SQLITE_OK, api.xInstCount(fts, &instances) == SQLITE_OK else {
        sqlite3_result_error_code(context, SQLITE_ERROR)
        return
    }
    var frequency = [Double](repeating: 0, count: phrases)
    for i in 0..<instances {
        var phrase: Int32 = 0, column: Int32 = 0, offset: Int32 = 0
        guard api.xInst(fts, i, &phrase, &column, &offset) == SQLITE_OK else { continue }
        frequency[Int(phrase)] += sqlite3_value_double(values[Int(column)])
    }
    let n = Double(max(rows, 1))
    let averageLength = Double(totalTokens) / n
    let lengthFactor = 1.2 * (0.25 + 0.75 * Double(rowTokens) / max(averageLength, 1))
    var score = 0.0
    for p in 0..<phrases where frequency[p] > 0 {
        let docs = min(max(sqlite3_value_double(values[columns + p]), 0), n)
        let idf = max(log((n - docs + 0.5) / (docs + 0.5)), 1e-6)
        score += idf * frequency[p] * 2.2 / (frequency[p] + lengthFactor)
    }
    sqlite3_result_double(context, -score)
}
