import Foundation

/// "Same complaint again": an inbound contact whose normalized text is near-identical to one the
/// same customer sent within the window. Character shingles over the normalized text, compared by
/// Jaccard similarity: robust to a changed word or a typo, cheap for the handful of recent
/// contacts one customer has (the store hands over only those).
public struct DuplicateRule: Sendable, Equatable {
    /// Jaccard similarity (0…1) at or above which two texts are the same complaint.
    public var threshold: Double
    /// How far back an earlier contact still counts.
    public var windowSeconds: Int
    /// Shingle length in characters.
    public var shingle: Int

    public init(threshold: Double = 0.8, windowSeconds: Int = 24 * 3600, shingle: Int = 4) {
        self.threshold = threshold
        self.windowSeconds = windowSeconds
        self.shingle = shingle
    }

    /// An earlier contact the store offers as a candidate.
    public struct Candidate: Sendable, Equatable {
        public var id: Int64
        public var at: Date
        public var text: String
        public init(id: Int64, at: Date, text: String) {
            self.id = id
            self.at = at
            self.text = text
        }
    }

    public struct Match: Sendable, Equatable {
        public var id: Int64
        public var similarity: Double
    }

    /// The earliest window start for a contact at `at`.
    public func windowStart(for at: Date) -> Date { at.addingTimeInterval(-Double(windowSeconds)) }

    /// The most similar candidate within the window before `at` (ties: the earliest), or nil.
    public func match(_ text: String, at: Date, among candidates: [Candidate]) -> Match? {
        let mine = shingles(TextNormalizer.normalize(text))
        guard !mine.isEmpty else { return nil }
        let start = windowStart(for: at)
        var best: (Candidate, Double)?
        for c in candidates where c.at >= start && c.at <= at {
            let s = Self.jaccard(mine, shingles(TextNormalizer.normalize(c.text)))
            guard s >= threshold else { continue }
            if let b = best, s < b.1 || (s == b.1 && c.at >= b.0.at) { continue }
            best = (c, s)
        }
        return best.map { Match(id: $0.0.id, similarity: $0.1) }
    }

    /// Hashed character shingles; a text shorter than one shingle is its own single shingle.
    public func shingles(_ normalized: String) -> Set<UInt64> {
        let chars = Array(normalized.unicodeScalars)
        guard !chars.isEmpty else { return [] }
        guard chars.count > shingle else { return [Self.fnv(chars[...])] }
        var out = Set<UInt64>()
        for i in 0...(chars.count - shingle) { out.insert(Self.fnv(chars[i..<(i + shingle)])) }
        return out
    }

    public static func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 0 }
        let inter = a.intersection(b).count
        return Double(inter) / Double(a.count + b.count - inter)
    }

    /// FNV-1a: stable across runs (Swift's Hasher is seeded per process).
    static func fnv(_ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for s in scalars {
            h ^= UInt64(s.value)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
