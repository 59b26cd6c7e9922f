import SwarmProtocol

/// Variables captured by `$name` in expect patterns and substituted into sent frames.
struct Bindings {
    var values: [String: JSONValue] = [:]
    var tokens: [String: String] = [:]

    static func variableName(_ s: String) -> String? {
        guard s.hasPrefix("$"), s.count > 1 else { return nil }
        let name = s.dropFirst()
        let allowed = name.unicodeScalars.allSatisfy { s in
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "_"
        }
        guard allowed else { return nil }
        return String(name)
    }

    /// Replaces `"$token:NAME"` and `"$name"` strings anywhere in `value`.
    func substitute(_ value: JSONValue) throws -> JSONValue {
        switch value {
        case .string(let s):
            if s.hasPrefix("$token:") {
                let user = String(s.dropFirst("$token:".count))
                guard let token = tokens[user] else { throw SubstitutionError(what: "no token for user \(user)") }
                return .string(token)
            }
            guard let name = Self.variableName(s) else { return value }
            guard let bound = values[name] else { throw SubstitutionError(what: "$\(name) is used before it is captured") }
            return bound
        case .array(let items): return .array(try items.map(substitute))
        case .object(let members): return .object(try members.mapValues(substitute))
        default: return value
        }
    }

    /// Matches `actual` against `pattern`, capturing unbound variables; returns why it does not match.
    mutating func match(_ pattern: JSONValue, _ actual: JSONValue?, at path: String) -> String? {
        switch pattern {
        case .string("$absent"):
            return actual == nil ? nil : "\(path): expected no member, got \(actual!)"
        case .null:
            return actual == nil || actual == .null ? nil : "\(path): expected null or absent, got \(actual!)"
        case .string("$any"):
            return actual == nil ? "\(path): missing" : nil
        case .string(let s) where Self.variableName(s) != nil:
            let name = Self.variableName(s)!
            guard let actual else { return "\(path): missing (for $\(name))" }
            if let bound = values[name] {
                return bound == actual ? nil : "\(path): expected $\(name) = \(bound), got \(actual)"
            }
            values[name] = actual
            return nil
        case .object(let members):
            guard let actual else { return "\(path): missing" }
            guard let object = actual.object else { return "\(path): expected an object, got \(actual)" }
            for key in members.keys.sorted() {
                if let why = match(members[key]!, object[key], at: "\(path).\(key)") { return why }
            }
            return nil
        case .array(let items):
            guard let actual else { return "\(path): missing" }
            guard let array = actual.array else { return "\(path): expected an array, got \(actual)" }
            guard array.count == items.count else { return "\(path): expected \(items.count) elements, got \(array.count): \(actual)" }
            for (i, item) in items.enumerated() {
                if let why = match(item, array[i], at: "\(path)[\(i)]") { return why }
            }
            return nil
        default:
            guard let actual else { return "\(path): missing" }
            return pattern == actual ? nil : "\(path): expected \(pattern), got \(actual)"
        }
    }
}

struct SubstitutionError: Error, CustomStringConvertible {
    var what: String
    var description: String { what }
}
