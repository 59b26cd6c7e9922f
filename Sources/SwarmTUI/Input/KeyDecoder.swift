/// Turns the raw bytes a terminal sends into keys. Stateful: an escape sequence or a UTF-8
/// character may be split across reads, so incomplete tails are kept for the next call.
public struct KeyDecoder: Sendable {
    private var pending: [UInt8] = []
    private var pasting = false
    private var pasteBuffer: [UInt8] = []

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) -> [Key] {
        pending += bytes
        var keys: [Key] = []
        var i = 0
        while i < pending.count {
            if pasting {
                if let end = find(Self.pasteEnd, from: i) {
                    pasteBuffer += pending[i..<end]
                    keys.append(.paste(String(decoding: pasteBuffer, as: UTF8.self)))
                    pasteBuffer = []
                    pasting = false
                    i = end + Self.pasteEnd.count
                    continue
                }
                // Keep a possible partial end marker for the next read.
                let keep = min(Self.pasteEnd.count - 1, pending.count - i)
                pasteBuffer += pending[i..<(pending.count - keep)]
                pending = Array(pending[(pending.count - keep)...])
                return keys
            }
            guard let (key, length) = decodeOne(at: i) else { break }   // incomplete: wait for more
            if let key { keys.append(key) }
            i += length
        }
        pending = Array(pending[i...])
        return keys
    }

    /// Called when no more bytes arrived shortly after a lone ESC: it was the Escape key.
    public mutating func flushEscape() -> [Key] {
        guard pending == [0x1B] else { return [] }
        pending = []
        return [.escape]
    }

    static let pasteStart: [UInt8] = Array("\u{1B}[200~".utf8)
    static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    /// Linear and allocation-free: it runs over every byte of a paste.
    private func find(_ needle: [UInt8], from: Int) -> Int? {
        let last = pending.count - needle.count
        var s = from
        while s <= last {
            guard let hit = pending[s...].firstIndex(of: needle[0]), hit <= last else { return nil }
            if pending[hit..<(hit + needle.count)].elementsEqual(needle) { return hit }
            s = hit + 1
        }
        return nil
    }

    /// nil: incomplete input. (nil, n): n bytes consumed with no key (ignored sequence).
    private mutating func decodeOne(at i: Int) -> (Key?, Int)? {
        let b = pending[i]
        switch b {
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x09: return (.tab, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x01: return (.home, 1)          // Ctrl-A
        case 0x05: return (.end, 1)           // Ctrl-E
        case 0x02: return (.left, 1)          // Ctrl-B
        case 0x06: return (.right, 1)         // Ctrl-F
        case 0x03: return (.interrupt, 1)     // Ctrl-C
        case 0x04: return (.eof, 1)           // Ctrl-D
        case 0x0B: return (.killToEnd, 1)     // Ctrl-K
        case 0x0C: return (.redraw, 1)        // Ctrl-L
        case 0x0E: return (.nextChannel, 1)   // Ctrl-N
        case 0x10: return (.previousChannel, 1) // Ctrl-P
        case 0x15: return (.killToStart, 1)   // Ctrl-U
        case 0x17: return (.deleteWordBackward, 1) // Ctrl-W
        case 0x1B: return decodeEscape(at: i)
        case 0x00..<0x20: return (nil, 1)
        default: return decodeUTF8(at: i)
        }
    }

    private mutating func decodeEscape(at i: Int) -> (Key?, Int)? {
        guard i + 1 < pending.count else { return nil }
        let next = pending[i + 1]
        if next == UInt8(ascii: "[") || next == UInt8(ascii: "O") {
            // CSI / SS3: parameters then a final byte in 0x40...0x7E.
            var j = i + 2
            while j < pending.count, !(0x40...0x7E).contains(pending[j]) { j += 1 }
            guard j < pending.count else { return nil }
            let params = String(decoding: pending[(i + 2)..<j], as: UTF8.self)
            let final = Character(Unicode.Scalar(pending[j]))
            let length = j - i + 1
            if params == "200" && final == "~" {
                pasting = true
                return (nil, length)
            }
            return (Self.csiKey(params: params, final: final), length)
        }
        switch next {
        case 0x7F, 0x08: return (.deleteWordBackward, 2)
        case UInt8(ascii: "b"): return (.wordLeft, 2)
        case UInt8(ascii: "f"): return (.wordRight, 2)
        // Alt-A, as in irssi: the next channel with something unread.
        case UInt8(ascii: "a"), UInt8(ascii: "A"): return (.nextUnread, 2)
        case UInt8(ascii: "1")...UInt8(ascii: "9"): return (.altDigit(Int(next - UInt8(ascii: "0"))), 2)
        case 0x1B: return (.escape, 1)
        default: return (.escape, 1)
        }
    }

    static func csiKey(params: String, final: Character) -> Key? {
        // SGR mouse report (mode 1006), `ESC [ < button ; column ; row M|m`: the wheel scrolls;
        // clicks and releases are read and dropped.
        if params.hasPrefix("<") {
            guard final == "M", let button = Int(params.dropFirst().split(separator: ";").first ?? "") else { return nil }
            // Bits 2-4 are Shift/Meta/Ctrl held with the wheel: scroll all the same.
            switch button & ~0b11100 {
            case 64: return .wheelUp
            case 65: return .wheelDown
            default: return nil
            }
        }
        let ctrl = params.hasSuffix(";5") || params.hasSuffix(";3")
        switch final {
        case "A": return .up
        case "B": return .down
        case "C": return ctrl ? .wordRight : .right
        case "D": return ctrl ? .wordLeft : .left
        case "H": return .home
        case "F": return .end
        case "Z": return .shiftTab
        case "~":
            switch params.split(separator: ";").first ?? "" {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            case "5": return .pageUp
            case "6": return .pageDown
            default: return nil
            }
        default: return nil
        }
    }

    private func decodeUTF8(at i: Int) -> (Key?, Int)? {
        let b = pending[i]
        let length: Int
        switch b {
        case 0x00..<0x80: length = 1
        case 0xC0..<0xE0: length = 2
        case 0xE0..<0xF0: length = 3
        case 0xF0..<0xF8: length = 4
        default: return (nil, 1)
        }
        guard i + length <= pending.count else { return nil }
        let text = String(decoding: pending[i..<(i + length)], as: UTF8.self)
        guard let ch = text.first else { return (nil, length) }
        return (.char(ch), length)
    }
}
