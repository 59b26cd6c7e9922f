/// The few pieces of SQL that differ between the backends, spelled once here so a statement reads
/// the same on both: JSON arrays as row sources (id lists are passed as one JSON argument, so a
/// statement stays one cached statement for any number of ids) and the scalar maximum.
extension SQLDB {
    /// `SELECT value FROM …` over the JSON array of integers in `argument` (a placeholder, `?` or `?N`).
    func jsonIntegers(_ argument: String = "?") -> String {
        switch dialect {
        case .sqlite: return "SELECT value FROM json_each(\(argument))"
        case .postgres: return "SELECT value::bigint FROM json_array_elements_text(CAST(\(argument) AS json))"
        }
    }

    /// `SELECT value FROM …` over the JSON array of strings in `expression` (a placeholder or a column).
    func jsonStrings(_ expression: String = "?") -> String {
        switch dialect {
        case .sqlite: return "SELECT value FROM json_each(\(expression))"
        case .postgres: return "SELECT value FROM json_array_elements_text(CAST(\(expression) AS json))"
        }
    }

    /// The larger of two values (SQLite's two-argument MAX, PostgreSQL's GREATEST).
    var greatest: String {
        dialect == .sqlite ? "MAX" : "GREATEST"
    }

    /// LIKE that ignores ASCII case, as SQLite's LIKE does (PostgreSQL's ILIKE).
    var like: String {
        dialect == .sqlite ? "LIKE" : "ILIKE"
    }
}
