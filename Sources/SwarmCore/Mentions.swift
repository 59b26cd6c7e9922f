/// Finds `@name` mentions in a message body. A mention starts at the beginning or after a
/// character that cannot be part of an email address, so `bob@example.com` mentions nobody.
public enum Mentions {
    public static func names(in body: String) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        let scalars = Array(body.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "@", i == 0 || !isNameScalar(scalars[i - 1]) {
                var j = i + 1
                var name = ""
                while j < scalars.count, isNameScalar(scalars[j]) {
                    name.unicodeScalars.append(lower(scalars[j]))
                    j += 1
                }
                while let last = name.last, last == "." || last == "-" || last == "_" { name.removeLast() }
                if !name.isEmpty, seen.insert(name).inserted { result.append(name) }
                i = j
            } else {
                i += 1
            }
        }
        return result
    }

    static func isNameScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "." || s == "_" || s == "-"
    }

    static func lower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(s) ? Unicode.Scalar(s.value + 32)! : s
    }
}
