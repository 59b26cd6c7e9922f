import Foundation
@testable import SwarmServer
import SwarmProtocol
import Testing

/// `FlatRequestScan` reads the common request frames without `JSONDecoder`. Whatever it accepts
/// must read exactly as the decoder reads it; whatever it is unsure of it must leave to the decoder.
@Suite("Requests read without the decoder: never otherwise than the decoder")
struct FlatRequestScanTests {
    /// The decoder's reading in the scanner's terms: nil when the decoder finds no envelope, or
    /// refuses a post's data (the scanner must not accept those).
    static func decoderReading(_ frame: String) -> FlatRequestScan.Scanned? {
        let (envelope, post) = IncomingRequest.decoded(Data(frame.utf8))
        guard let envelope else { return nil }
        switch post {
        case nil: return .init(envelope: envelope, post: nil)
        case .success(let value): return .init(envelope: envelope, post: value)
        case .failure: return nil
        }
    }

    /// The same readings, byte for byte (`String`'s == would take "K" for U+212A KELVIN SIGN).
    static func same(_ a: FlatRequestScan.Scanned?, _ b: FlatRequestScan.Scanned?) -> Bool {
        func bytes(_ s: String?) -> [UInt8]? { s.map { Array($0.utf8) } }
        guard let a, let b else { return a == nil && b == nil }
        return bytes(a.envelope.id) == bytes(b.envelope.id) && bytes(a.envelope.op) == bytes(b.envelope.op)
            && (a.post == nil) == (b.post == nil) && bytes(a.post?.channel) == bytes(b.post?.channel)
            && bytes(a.post?.body) == bytes(b.post?.body) && bytes(a.post?.thread) == bytes(b.post?.thread)
            && bytes(a.post?.idempotencyKey) == bytes(b.post?.idempotencyKey)
    }

    @Test("the shapes clients send are read without the decoder, as the decoder reads them", arguments: [
        #"{"id":"r1","op":"message.post","data":{"channel":"C3","body":"parcel late"}}"#,
        #"{"op":"message.post","data":{"body":"b","channel":"C3","thread":"M9","idempotency_key":"k-1"},"id":"r2"}"#,
        #"{"id":"r3","op":"message.post","data":{"channel":"C3","body":"line\nnext \"quoted\" back\\slash \/ tab\t","thread":null}}"#,
        #"{"id":"r4","op":"message.post","data":{"channel":"C3","body":"caf\u00e9 \ud83d\ude00 \u0000 end","idempotency_key":null}}"#,
        #"{"id":"r5","op":"message.post","data":{"channel":"C3","body":"raw: café 😀 中文"}}"#,
        "  {\r\n \"id\" : \"r6\" ,\t\"op\":\"message.post\" , \"data\" : { \"channel\" : \"C3\" , \"body\" : \"\" } }\n ",
        #"{"id":"r7","op":"message\u002epost","data":{"channel":"C3","body":"escaped op"}}"#,
        #"{"i\u0064":"r8","op":"message.post","data":{"channel":"C3","body":"escaped name"}}"#,
        #"{"id":"r9","op":"ping"}"#,
        #"{"id":"r10","op":"typing","data":{"channel":"C3"}}"#,
        #"{"id":"r11","op":"read.mark","data":null}"#,
        #"{"id":"","op":"","data":{}}"#,
        #"{"id":"r12","op":"message.post","data":{"channel":"\u212A","body":"e\u0301 \uD83D\uDE00 \udbff\udfff \uFFFE\uFFFF\u007f"}}"#,
        "{\"id\":\"r13\",\"op\":\"message.post\",\"data\":{\"channel\":\"\u{212A}\",\"body\":\"e\u{301} \u{7F} \u{2028}\u{2029}\"}}",
        #"{"id":"r14","op":"typing","data":{"id\u0000":"x","channel":"C3","channel":"C4"}}"#,
    ])
    func commonShapes(frame: String) throws {
        let scanned = try #require(FlatRequestScan.scan(frame), "left to the decoder")
        #expect(Self.same(scanned, Self.decoderReading(frame)))
    }

    @Test("what it is unsure of goes to the decoder", arguments: [
        #"{"id":1,"op":"message.post","data":{"channel":"C3","body":"b"}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3"}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":null}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"b","extra":"x"}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"b","thread":7}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"b","body":"c"}}"#,
        #"{"id":"r","id":"s","op":"ping"}"#,
        #"{"id":"r","op":"ping","token":"t"}"#,
        #"{"id":"r","op":"message.post"}"#,
        #"{"id":"r","op":"message.post","data":null}"#,
        #"{"id":"r","op":"presence.set","data":{"status":"away","quiet":true}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"lone \ud83d"}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"lone \udc00"}}"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"bad \x"}}"#,
        "{\"id\":\"r\",\"op\":\"message.post\",\"data\":{\"channel\":\"C3\",\"body\":\"raw \u{01} control\"}}",
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"b"}} trailing"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"b"},}"#,
        "{\"id\":\"r\",\u{0B}\"op\":\"ping\"}",
        #"[{"id":"r","op":"ping"}]"#,
        #"{"id":"r","op":"message.post","data":{"channel":"C3","body":"\ud83d\ud83d"}}"#,
        "{\u{0}\"id\":\"r\",\"op\":\"ping\"}",
        " \u{0}{\"id\":\"r\",\"op\":\"ping\"}",
        "\u{FEFF}{\"id\":\"r\",\"op\":\"ping\"}",
        "",
    ])
    func unsureShapes(frame: String) {
        #expect(FlatRequestScan.scan(frame) == nil)
    }

    /// Frames built from pieces that break JSON and the request in the ways that matter here
    /// (escapes, surrogates, whitespace, member order, types, repeats), then mangled at random.
    /// A frame is read before `hello`: a `data` of thousands of distinct members must be one pass
    /// (it was quadratic in a first version; this shows the readings, not the time).
    @Test("a data object of 8,000 members is read for an op that ignores it, and left to the decoder for a post")
    func manyMembers() {
        let members = (0..<8_000).map { "\"m\($0)\":\"\"" }.joined(separator: ",")
        #expect(FlatRequestScan.scan(#"{"id":"r","op":"typing","data":{"# + members + "}}")?.envelope.op == "typing")
        #expect(FlatRequestScan.scan(#"{"id":"r","op":"message.post","data":{"channel":"C3","body":"b","# + members + "}}") == nil)
    }

    @Test("on 20,000 generated and mangled frames it never reads otherwise than the decoder")
    func generated() {
        var rng = SeededRandom(seed: 0x5EED_F1A7)
        var accepted = 0, decodable = 0
        for n in 0..<20_000 {
            let frame = Self.frame(&rng)
            let reading = Self.decoderReading(frame)
            if reading != nil { decodable += 1 }
            guard let scanned = FlatRequestScan.scan(frame) else { continue }
            accepted += 1
            #expect(Self.same(scanned, reading), "frame \(n): \(frame.debugDescription): \(scanned) against \(String(describing: reading))")
        }
        // The generator must reach the scanner's accepting paths often, or the test shows nothing.
        #expect(accepted > 1_500, "accepted \(accepted) of \(decodable) the decoder read")
    }

    static let strings = [
        #""""#, #""hi""#, #""a\"b""#, #""\\""#, #""\/""#, #""\b\f\n\r\t""#, #""\u00e9""#, #""\u00E9x""#,
        #""\ud83d\ude00""#, #""\uD83D\uDE00""#, #""\udbff\udfff""#, #""\ud83d\ud83d""#, #""\uFFFE\uFFFF\u007f""#,
        "\"\u{7F}\u{2028}\u{2029}\"", "\"\u{212A}e\u{301}\"", #""\ud83d""#, #""\udc00""#, #""\ud83dx""#, #""\ud83d\u0041""#, #""é😀""#, #""\u0000""#,
        "\"\u{01}\"", #""\x""#, #""\u12""#, #""\uZZZZ""#, #""C3""#, #""message.post""#, #""unterminated"#,
    ]
    static let values = strings + ["null", "1", "true", "{}", "[]", #"{"a":"b"}"#, "nul"]
    static let spaces = ["", "", "", " ", "\n", "\t", "\r\n"]
    /// Not JSON's whitespace: vertical tab, no-break space.
    static let badSpaces = ["\u{0B}", "\u{A0}"]
    static let dataNames = [#""channel""#, #""body""#, #""thread""#, #""idempotency_key""#, #""extra""#, #""ch\u0061nnel""#]

    static func pick<T>(_ options: [T], _ rng: inout SeededRandom) -> T { options[rng.below(options.count)] }

    static func frame(_ rng: inout SeededRandom) -> String {
        func space() -> String { rng.below(80) == 0 ? pick(badSpaces, &rng) : pick(spaces, &rng) }
        func object(_ members: [(String, String)]) -> String {
            "{" + space() + members.map { "\($0.0)\(space()):\(space())\($0.1)" }.joined(separator: space() + "," + space()) + space() + "}"
        }
        func value(common: String) -> String { rng.below(8) == 0 ? pick(values, &rng) : common }
        var data: [(String, String)] = [("\"channel\"", value(common: #""C3""#)), ("\"body\"", value(common: pick(strings, &rng)))]
        for _ in 0..<rng.below(3) { data.append((pick(dataNames, &rng), pick(values, &rng))) }
        data.shuffle(using: &rng)
        if rng.below(5) == 0 { data.removeFirst() }
        let op = pick([#""message.post""#, #""message.post""#, #""message\u002epost""#, #""ping""#, #""typing""#, pick(values, &rng)], &rng)
        var members: [(String, String)] = [("\"id\"", value(common: #""r1""#)), ("\"op\"", op)]
        switch rng.below(6) {
        case 0: break
        case 1: members.append(("\"data\"", pick(values, &rng)))
        default: members.append(("\"data\"", object(data)))
        }
        if rng.below(8) == 0 { members.append((pick([#""id""#, #""op""#, #""data""#, #""token""#, #""i\u0064""#], &rng), pick(values, &rng))) }
        members.shuffle(using: &rng)
        var text = space() + object(members) + space()
        // Mangled: a character dropped, one inserted, or the end cut off.
        if rng.below(5) == 0, !text.isEmpty {
            var chars = Array(text)
            let at = rng.below(chars.count)
            switch rng.below(3) {
            case 0: chars.remove(at: at)
            case 1: chars.insert(pick(Array("{}[]\":,\\ n0u\u{0}\u{7F}é\u{2028}\u{FEFF}"), &rng), at: at)
            default: chars.removeSubrange(at...)
            }
            text = String(chars)
        }
        return text
    }
}
