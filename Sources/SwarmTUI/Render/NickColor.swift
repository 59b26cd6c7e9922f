/// Each author's name in a colour of its own, the same on every run and every machine: picked by
/// a fixed hash (FNV-1a) of the user id, not Swift's `hashValue`, which is seeded per process.
public enum NickColor {
    /// Mid-tone entries of the 256-colour palette, legible on dark and on light themes. None is
    /// magenta (mentions of you) or red (the "new since you left" rule and errors), so a name is
    /// never mistaken for a highlight.
    public static let palette: [Screen.Style.Color] = [33, 35, 37, 172, 166, 67, 107, 130, 31, 68, 136, 29].map { .indexed($0) }

    public static func of(_ userId: String) -> Screen.Style.Color {
        var hash: UInt32 = 2_166_136_261
        for byte in userId.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return palette[Int(hash % UInt32(palette.count))]
    }
}
