import SwarmProtocol

/// Wire ids are an upper-case kind prefix and the row id (`U12`, `C3`, `M9041`, `CS42`). Names are
/// lower case, so an id can never be mistaken for a name; the digits after the prefix keep `C3`
/// (channel) and `CS3` (case) apart.
public enum IdKind: String, Sendable {
    case user = "U"
    case channel = "C"
    case message = "M"
    case token = "T"
    case customer = "CU"
    case `case` = "CS"
    case timeline = "TL"
    case article = "KB"
    /// A contact held in the noise bin (PROTOCOL §23).
    case filtered = "FL"
}

public enum Ids {
    public static func make(_ kind: IdKind, _ row: Int64) -> String { "\(kind.rawValue)\(row)" }

    public static func parse(_ kind: IdKind, _ text: String) -> Int64? {
        guard text.hasPrefix(kind.rawValue), let n = Int64(text.dropFirst(kind.rawValue.count)), n > 0 else { return nil }
        return n
    }

    public static func require(_ kind: IdKind, _ text: String, field: String) throws -> Int64 {
        guard let n = parse(kind, text) else { throw SwarmError.badRequest("\(field) is not a valid id: \(text.prefix(40))") }
        return n
    }
}

public enum Names {
    /// Channel and user names: lower-case letters, digits, `.`, `_`, `-`; 1–64 characters, starting
    /// with a letter or digit.
    public static func isValid(_ name: String, maxLength: Int = 64) -> Bool {
        guard !name.isEmpty, name.count <= maxLength, let first = name.unicodeScalars.first else { return false }
        func allowed(_ s: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(s) || ("0"..."9").contains(s) || s == "." || s == "_" || s == "-"
        }
        return name.unicodeScalars.allSatisfy(allowed) && first != "." && first != "_" && first != "-"
    }

    /// Accepts `#support` / `support` for channels and `@alice` / `alice` for users.
    public static func strip(_ ref: String) -> String {
        if ref.hasPrefix("#") || ref.hasPrefix("@") { return String(ref.dropFirst()) }
        return ref
    }
}
