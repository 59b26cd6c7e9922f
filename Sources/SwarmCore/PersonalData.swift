/// Finds personal data in a contact's text: card numbers, IBANs, phone numbers, e-mail addresses
/// and Italian tax codes (codice fiscale). A public post or reply that holds one gets a warning
/// suggesting a redirect to a private channel (PROTOCOL §25); nothing is refused, so the rule
/// errs towards silence: card numbers must pass Luhn and carry a known issuer prefix, IBANs their
/// mod-97 check, tax codes their check character, and bare digit runs count as phone numbers only
/// in the shapes phone numbers are written in. Linear in the text (no backtracking patterns), so
/// hostile 16,000-character texts cost nothing.
public enum PersonalData {
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case card, iban, phone, email
        case taxCode = "tax_code"

        public static func < (a: Kind, b: Kind) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// The kinds found in `text`, each once, in the order of `Kind.allCases`.
    public static func kinds(in text: String) -> [Kind] {
        var found = Set<Kind>()
        let chars = Array(text.unicodeScalars)
        for token in tokens(chars) {
            if isEmail(token) { found.insert(.email) }
            if isTaxCode(token) { found.insert(.taxCode) }
        }
        var digitsOnly = chars
        for r in ibanRanges(chars) {
            found.insert(.iban)
            // An IBAN's digits are not also a card or a phone number.
            for k in r { digitsOnly[k] = " " }
        }
        for run in digitRuns(digitsOnly) {
            if isCard(run.digits, plus: run.plus) { found.insert(.card) } else if isPhone(run) { found.insert(.phone) }
        }
        return found.sorted()
    }

    // MARK: - Tokens (e-mail, tax code)

    /// Whitespace-separated words with surrounding punctuation dropped.
    static func tokens(_ chars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        func flush() {
            var t = current[...]
            while let f = t.first, trimmed.contains(f) { t = t.dropFirst() }
            while let l = t.last, trimmed.contains(l) { t = t.dropLast() }
            if !t.isEmpty { out.append(Array(t)) }
            current.removeAll(keepingCapacity: true)
        }
        for c in chars {
            if c.properties.isWhitespace { flush() } else { current.append(c) }
        }
        flush()
        return out
    }

    static let trimmed: Set<Unicode.Scalar> = Set("\"'()[]{}<>.,;:!?*«»“”‘’".unicodeScalars)

    static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    static func isAlnum(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic || isDigit(c) }

    /// `local@domain.tld`: a handle such as `@acme_care` has no local part and no dot, so it is not one.
    static func isEmail(_ t: [Unicode.Scalar]) -> Bool {
        guard let at = t.firstIndex(of: "@"), t.lastIndex(of: "@") == at, at > 0, at < t.count - 1 else { return false }
        let local = t[..<at], domain = t[(at + 1)...]
        guard local.allSatisfy({ isASCIILetter($0) || isDigit($0) || "._%+-".unicodeScalars.contains($0) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { isASCIILetter($0) || isDigit($0) || $0 == "-" } }) else { return false }
        let tld = labels.last!
        return tld.count >= 2 && tld.allSatisfy(isASCIILetter)
    }

    /// Codice fiscale: RSSMRA85T10A562S — surname and name letters, year, month letter, day (+40 for
    /// women), place, check character. Digits may be replaced by letters (omocodia).
    static func isTaxCode(_ t: [Unicode.Scalar]) -> Bool {
        guard t.count == 16 else { return false }
        let u = t.map { Character($0).uppercased().unicodeScalars.first! }
        let letterAt: Set<Int> = [0, 1, 2, 3, 4, 5, 8, 11, 15]
        let omocodia = Set("LMNPQRSTUV".unicodeScalars)
        for (i, c) in u.enumerated() {
            if letterAt.contains(i) {
                guard c >= "A" && c <= "Z" else { return false }
            } else {
                guard isDigit(c) || omocodia.contains(c) else { return false }
            }
        }
        guard "ABCDEHLMPRST".unicodeScalars.contains(u[8]) else { return false }
        let oddValues = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
        var sum = 0
        for i in 0..<15 {
            let c = u[i]
            // Digits and letters share one index 0–25 (digit d ↔ letter number d).
            let index = isDigit(c) ? Int(c.value - 48) : Int(c.value - 65)
            // Positions count from 1: odd positions use the odd table.
            sum += i % 2 == 0 ? oddValues[index] : index
        }
        return Int(u[15].value - 65) == sum % 26
    }

    // MARK: - IBAN

    /// Registered lengths for the countries most often seen; others take 15–34.
    static let ibanLengths: [String: Int] = [
        "IT": 27, "SM": 27, "DE": 22, "FR": 27, "ES": 24, "GB": 22, "NL": 18, "BE": 16, "AT": 20, "CH": 21, "PT": 25,
        "IE": 22, "LU": 20, "PL": 28, "SE": 24, "DK": 18, "NO": 15, "FI": 18, "GR": 27, "MT": 31,
    ]

    /// IBANs written compact (`IT60X0542811101000000123456`) or in groups of four separated by
    /// single spaces (the last group may be shorter), at word boundaries, whose mod-97 check holds:
    /// their places in `chars`.
    static func ibanRanges(_ chars: [Unicode.Scalar]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        func isIBANChar(_ c: Unicode.Scalar) -> Bool { isASCIILetter(c) || isDigit(c) }
        while i + 4 <= chars.count {
            guard i == 0 || !isAlnum(chars[i - 1]), isASCIILetter(chars[i]), isASCIILetter(chars[i + 1]),
                  isDigit(chars[i + 2]), isDigit(chars[i + 3]) else { i += 1; continue }
            // Groups of alphanumerics separated by one space; (characters so far, end in `chars`) per group end.
            var compact: [Unicode.Scalar] = []
            var ends: [(count: Int, at: Int)] = []
            var j = i
            var group = 0
            while j < chars.count, isIBANChar(chars[j]), compact.count < 40 {
                compact.append(chars[j])
                group += 1
                j += 1
                let groupEnds = j >= chars.count || !isIBANChar(chars[j])
                guard groupEnds else { continue }
                // A word boundary ends the group; the first group decides: compact (long) or grouped (4).
                guard j >= chars.count || !isAlnum(chars[j]) else { break }
                ends.append((compact.count, j))
                if ends.count == 1, group != 4 { break }
                guard group == 4, j + 1 < chars.count, chars[j] == " ", isIBANChar(chars[j + 1]) else { break }
                group = 0
                j += 1
            }
            if let hit = ends.reversed().first(where: { $0.count >= 15 && $0.count <= 34 && ibanChecks(Array(compact[..<$0.count])) }) {
                found.append(i..<hit.at)
                i = hit.at
            } else {
                i += 1
            }
        }
        return found
    }

    static func ibanChecks(_ s: [Unicode.Scalar]) -> Bool {
        let u = s.map { Character($0).uppercased().unicodeScalars.first! }
        let country = String(String.UnicodeScalarView(u[0..<2]))
        if let length = ibanLengths[country], length != u.count { return false }
        guard u.count <= 34 else { return false }
        var remainder = 0
        for c in u[4...] + u[..<4] {
            if isDigit(c) {
                remainder = (remainder * 10 + Int(c.value - 48)) % 97
            } else {
                remainder = (remainder * 100 + Int(c.value - 55)) % 97
            }
        }
        return remainder == 1
    }

    // MARK: - Digit runs (cards, phones)

    struct DigitRun: Equatable {
        var digits: [UInt8]
        /// Written with a leading `+` (or `00`, an international prefix).
        var plus: Bool
        var parenthesis: Bool
    }

    static let runSeparators: Set<Unicode.Scalar> = [" ", "-", ".", "/", "(", ")"]

    /// How many separator characters at `j` lead to the next digit: one (`4111 1111`, `333-12`), or
    /// two when one is a parenthesis (`(555) 123`); nil when the run ends here.
    static func separatorLength(_ chars: [Unicode.Scalar], at j: Int) -> Int? {
        guard runSeparators.contains(chars[j]) else { return nil }
        if j + 1 < chars.count, isDigit(chars[j + 1]) { return 1 }
        if j + 2 < chars.count, runSeparators.contains(chars[j + 1]), isDigit(chars[j + 2]),
           chars[j] == ")" || chars[j + 1] == "(" { return 2 }
        return nil
    }

    /// Runs of digits with single separators between them, starting and ending at word boundaries.
    static func digitRuns(_ chars: [Unicode.Scalar]) -> [DigitRun] {
        var runs: [DigitRun] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let startsRun = isDigit(c) || ((c == "+" || c == "(") && i + 1 < chars.count && isDigit(chars[i + 1]))
            guard startsRun, i == 0 || !(isAlnum(chars[i - 1]) || chars[i - 1] == "_") else { i += 1; continue }
            var run = DigitRun(digits: [], plus: c == "+", parenthesis: c == "(")
            var j = isDigit(c) ? i : i + 1
            while j < chars.count {
                if isDigit(chars[j]) {
                    run.digits.append(UInt8(chars[j].value - 48))
                    j += 1
                } else if let skip = separatorLength(chars, at: j) {
                    if chars[j..<(j + skip)].contains("(") { run.parenthesis = true }
                    j += skip
                } else {
                    break
                }
            }
            if j < chars.count, isAlnum(chars[j]) {
                // "123abc" is a code, not a number: skip the whole word.
                while j < chars.count, !chars[j].properties.isWhitespace { j += 1 }
            } else {
                if run.digits.starts(with: [0, 0]) {
                    run.plus = true
                    run.digits.removeFirst(2)
                }
                runs.append(run)
            }
            i = max(j, i + 1)
        }
        return runs
    }

    /// 13–19 digits passing Luhn, with a prefix a card issuer uses (Visa, Mastercard, Amex,
    /// Discover, JCB, Diners, Maestro) — an order number rarely has both.
    static func isCard(_ d: [UInt8], plus: Bool) -> Bool {
        guard !plus, (13...19).contains(d.count) else { return false }
        let p2 = Int(d[0]) * 10 + Int(d[1]), p4 = p2 * 100 + Int(d[2]) * 10 + Int(d[3])
        let issuer = d[0] == 4 || (51...55).contains(p2) || (2221...2720).contains(p4) || p2 == 34 || p2 == 37 || p4 == 6011
            || p2 == 65 || (644...649).contains(p4 / 10) || p2 == 35 || p2 == 36 || p2 == 38 || (300...305).contains(p4 / 10)
            || p2 == 50 || (56...69).contains(p2)
        return issuer && luhn(d)
    }

    public static func luhn(_ d: [UInt8]) -> Bool {
        var sum = 0
        for (i, digit) in d.reversed().enumerated() {
            var v = Int(digit)
            if i % 2 == 1 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
        }
        return sum % 10 == 0
    }

    /// International numbers (`+39 333 123 4567`, `0039…`): 8–15 digits. National ones: 9–11
    /// digits starting with 0 or 3 (Italian landlines and mobiles), or 10 written with an area code
    /// in parentheses (`(555) 123-4567`). Dates, amounts, years and order numbers fall outside.
    static func isPhone(_ run: DigitRun) -> Bool {
        let n = run.digits.count
        if run.plus { return (8...15).contains(n) }
        if run.parenthesis { return n == 10 }
        return (9...11).contains(n) && (run.digits[0] == 0 || run.digits[0] == 3)
    }
}
