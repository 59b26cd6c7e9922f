import Foundation

/// One connection of the raw-frame fuzz: bytes that break the WebSocket or HTTP rules in one
/// particular way (or unusual ones that keep them), with the outcome PROTOCOL §2, §9 and §20
/// promise for it.
struct RawCase: Sendable {
    enum Kind: String, CaseIterable, Sendable {
        // Unusual but valid: answered, and the connection stays open.
        case dribbled, fragmented, goodClose
        // Protocol errors: 1002.
        case unmasked, reservedBits, unknownOpcode, longControl, fragmentedControl
        case continuationWithoutStart, interleavedFragments, badClose
        // 1007 and 1009.
        case invalidUTF8, overHardLimit, fragmentsOverHardLimit
        // Silence, HTTP-level junk, and clients that vanish.
        case truncated, garbageHead, incompleteHead, abruptDisconnect
    }

    enum Expected: Sendable, Equatable {
        /// A reply to this request; the connection stays open (a post must then be stored).
        case reply(id: String, posted: String?)
        /// A close frame with this code, then the TCP connection ends: at once, or within the
        /// close timeout when the client ignores the close.
        case close(UInt16)
        /// A frame that never ends, then silence: the hello timeout closes it (4002) before
        /// hello, the ping timeout (1001) after.
        case timeoutClose
        /// HTTP-level junk: the connection ends without an upgrade.
        case noUpgrade
        /// The client vanishes; the server only has to let go.
        case clientGone
    }

    /// A well-formed request sent before the hostile part; answered exactly once.
    struct Request: Sendable {
        var id: String
        var frame: [UInt8]
        /// The body of a message.post, which must then be stored.
        var posted: String?
    }

    var index: Int
    var kind: Kind
    /// False for the HTTP-level kinds, which never finish an upgrade.
    var handshake: Bool
    var authenticated: Bool
    var prelude: [Request]
    /// The hostile bytes, one element per write.
    var hostile: [[UInt8]]
    var expected: Expected
    /// Whether the client answers the server's close with its own; otherwise it ignores it,
    /// keeps sending (`forbidden` again) and must be cut.
    var answersClose: Bool
    /// A post sent in the hostile bytes or after the close: it must never be stored.
    var forbidden: String?
}

/// Builds raw cases from a seed: the same seed gives the same cases, byte for byte.
struct RawFrames {
    static let text: UInt8 = 0x1, binary: UInt8 = 0x2, continuation: UInt8 = 0x0
    static let close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    let maxFrameBytes: Int
    let hardFrameBytes: Int
    /// The channel id the authenticated connections post to.
    let channel: String
    var rng: SeededRandom

    init(seed: UInt64, maxFrameBytes: Int, hardFrameBytes: Int, channel: String) {
        self.maxFrameBytes = maxFrameBytes
        self.hardFrameBytes = hardFrameBytes
        self.channel = channel
        self.rng = SeededRandom(seed: seed)
    }

    mutating func int(_ n: Int) -> Int { rng.below(n) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }

    /// Weights per kind (they add up to 100).
    static let weights: [(RawCase.Kind, Int)] = [
        (.dribbled, 6), (.fragmented, 8), (.goodClose, 4),
        (.unmasked, 7), (.reservedBits, 7), (.unknownOpcode, 6), (.longControl, 5), (.fragmentedControl, 5),
        (.continuationWithoutStart, 6), (.interleavedFragments, 6), (.badClose, 5),
        (.invalidUTF8, 8), (.overHardLimit, 5), (.fragmentsOverHardLimit, 3),
        (.truncated, 3), (.garbageHead, 5), (.incompleteHead, 4), (.abruptDisconnect, 7),
    ]

    mutating func frame(fin: Bool = true, rsv: UInt8 = 0, _ opcode: UInt8, _ payload: [UInt8], masked: Bool = true,
                        declaredLength: UInt64? = nil) -> [UInt8] {
        // A zero key now and then: legal, and it leaves the payload as it is.
        let mask: [UInt8]? = masked ? (chance(5) ? [0, 0, 0, 0] : bytes(4)) : nil
        return RawWebSocket.encodeFrame(fin: fin, rsv: rsv, opcode: opcode, payload: payload, mask: mask, declaredLength: declaredLength)
    }

    /// A request as JSON text: a post of `body` when authenticated, else a ping (a post before
    /// hello is only refused).
    func request(_ id: String, authenticated: Bool, post body: String?) -> [UInt8] {
        guard authenticated, let body else { return Array(#"{"id":"\#(id)","op":"ping","data":{}}"#.utf8) }
        return Array(#"{"id":"\#(id)","op":"message.post","data":{"channel":"\#(channel)","body":"\#(body)"}}"#.utf8)
    }

    /// `bytes` cut into `count` pieces at seeded places (some may be empty).
    mutating func split(_ bytes: [UInt8], into count: Int) -> [[UInt8]] {
        let cuts = ((0..<(count - 1)).map { _ in int(bytes.count + 1) } + [0, bytes.count]).sorted()
        return (0..<(cuts.count - 1)).map { Array(bytes[cuts[$0]..<cuts[$0 + 1]]) }
    }

    mutating func next(_ index: Int) -> RawCase {
        var roll = int(100)
        let kind = Self.weights.first { roll -= $0.1; return roll < 0 }?.0 ?? .dribbled
        let authenticated = chance(50)
        var c = RawCase(index: index, kind: kind, handshake: true, authenticated: authenticated, prelude: [], hostile: [],
                        expected: .close(1002), answersClose: chance(50), forbidden: authenticated ? "raw-after-\(index)" : nil)
        for k in 0..<int(3) {
            let id = "c\(index)-\(k)"
            let posted = authenticated && chance(50) ? "raw-ok-\(index)-\(k)" : nil
            c.prelude.append(.init(id: id, frame: frame(Self.text, request(id, authenticated: authenticated, post: posted)), posted: posted))
        }
        // The request hidden in hostile frames: never executed.
        let forbidden = request("x\(index)", authenticated: authenticated, post: c.forbidden)
        switch kind {
        case .dribbled, .fragmented, .goodClose:
            wellFormed(&c)
        case .unmasked:
            let opcode = pick([Self.text, Self.binary, Self.continuation, Self.ping, Self.close])
            c.hostile = [frame(opcode, opcode >= Self.close ? bytes(int(126)) : forbidden, masked: false)]
        case .reservedBits:
            // No extension is negotiated, so every reserved bit is an error, on any frame.
            let opcode = pick([Self.text, Self.binary, Self.continuation, Self.ping, Self.pong, Self.close])
            let payload = opcode == Self.close ? [0x03, 0xE8] : opcode > Self.close ? bytes(int(126)) : forbidden
            c.hostile = [frame(rsv: UInt8(1 + int(7)), opcode, payload)]
        case .unknownOpcode:
            let opcode = pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15] as [UInt8])
            c.hostile = [frame(fin: chance(80), opcode, opcode < 8 ? forbidden : bytes(int(126)))]
        case .longControl:
            c.hostile = [frame(pick([Self.ping, Self.pong, Self.close]), bytes(126 + int(2000)))]
        case .fragmentedControl:
            let start = chance(40) ? frame(fin: false, Self.text, Array(forbidden.prefix(10))) : []
            c.hostile = [start + frame(fin: false, pick([Self.ping, Self.pong, Self.close]), bytes(int(126)))]
        case .continuationWithoutStart:
            c.hostile = [frame(fin: chance(70), Self.continuation, forbidden)]
        case .interleavedFragments:
            let half = forbidden.count / 2
            var first = frame(fin: false, pick([Self.text, Self.binary]), Array(forbidden[..<half]))
            if chance(40) { first += frame(fin: false, Self.continuation, Array(forbidden[half...])) }
            c.hostile = [first, frame(fin: chance(70), pick([Self.text, Self.binary]), forbidden)]
        case .badClose:
            badClose(&c)
        case .invalidUTF8:
            invalidUTF8(&c)
        case .overHardLimit:
            // Lengths the server must refuse from the header alone, up to ones with the top bit set.
            let hard = UInt64(hardFrameBytes)
            let length = pick([hard + 1, hard * 4, 1 << 32, 1 << 40, 1 << 62, UInt64(Int64.max), 1 << 63, UInt64.max])
            c.hostile = [frame(fin: chance(80), pick([Self.text, Self.binary]), bytes(int(200)), declaredLength: length)]
            c.expected = .close(1009)
        case .fragmentsOverHardLimit:
            // Every frame within the hard limit, their sum over it.
            let piece = hardFrameBytes / 3 + 1
            let pieces = (0..<4).map { i in frame(fin: i == 3, i == 0 ? Self.text : Self.continuation, [UInt8](repeating: 0x41, count: piece)) }
            c.hostile = chance(50) ? [pieces.flatMap { $0 }] : pieces
            c.expected = .close(1009)
        case .truncated:
            // A frame that promises more than it sends, then silence.
            let length = 2 + int(min(hardFrameBytes, 4000))
            let opcode = length <= 125 && chance(30) ? Self.ping : pick([Self.text, Self.binary])
            c.hostile = [frame(opcode, bytes(int(length)), declaredLength: UInt64(length))]
            c.expected = .timeoutClose
            c.answersClose = false
        case .garbageHead, .incompleteHead:
            httpJunk(&c)
        case .abruptDisconnect:
            c.handshake = chance(70)
            let whole = c.handshake ? frame(Self.text, forbidden) : RawWebSocket.upgradeRequest()
            c.hostile = [Array(whole.prefix(1 + int(whole.count - 1)))]
            c.expected = .clientGone
        }
        return c
    }

    /// Valid frames few clients send: a request in 1–9 byte writes, one fragmented (cut inside
    /// UTF-8 characters too) with control frames between the fragments, a close with a code.
    private mutating func wellFormed(_ c: inout RawCase) {
        switch c.kind {
        case .dribbled:
            let id = "d\(c.index)"
            let posted = c.authenticated ? "raw-ok-\(c.index)-d" : nil
            var bytes = frame(Self.text, request(id, authenticated: c.authenticated, post: posted))
            while !bytes.isEmpty {
                let n = min(bytes.count, 1 + int(bytes.count > 150 ? 9 : 3))
                c.hostile.append(Array(bytes.prefix(n)))
                bytes.removeFirst(n)
            }
            c.expected = .reply(id: id, posted: posted)
        case .fragmented:
            let id = "g\(c.index)-é🦄"
            let posted = c.authenticated ? "raw-ok-\(c.index)-g ü🦄" : nil
            let parts = split(request(id, authenticated: c.authenticated, post: posted), into: 2 + int(4))
            var frames: [[UInt8]] = []
            for (i, part) in parts.enumerated() {
                frames.append(frame(fin: i == parts.count - 1, i == 0 ? Self.text : Self.continuation, part))
                if i < parts.count - 1, chance(40) { frames.append(frame(pick([Self.ping, Self.pong]), bytes(int(126)))) }
            }
            c.hostile = chance(50) ? [frames.flatMap { $0 }] : frames
            c.expected = .reply(id: id, posted: posted)
        default:
            let code = pick([1000, 1001, 3000, 4000, 4999] as [UInt16])
            let reason = chance(50) ? Array("bye é".utf8) : []
            c.hostile = [frame(Self.close, [UInt8(code >> 8), UInt8(code & 0xFF)] + reason)]
            c.expected = .close(1000)
        }
    }

    /// Close frames the server must answer with 1002: a one-byte payload, a code no endpoint
    /// may send, a reason that is not UTF-8.
    private mutating func badClose(_ c: inout RawCase) {
        let payload: [UInt8]
        switch int(3) {
        case 0: payload = [0x03]
        case 1:
            let code = pick([0, 999, 1004, 1005, 1006, 1015, 1100, 2000, 2999, 5000, 65535] as [UInt16])
            payload = [UInt8(code >> 8), UInt8(code & 0xFF)] + (chance(30) ? Array("why".utf8) : [])
        default: payload = [0x03, 0xE8, 0x62, 0xFF, 0x79]
        }
        c.hostile = [frame(Self.close, payload)]
    }

    static let invalidSequences: [[UInt8]] = [
        [0xC3, 0x28], [0xA0, 0xA1], [0xE2, 0x28, 0xA1], [0xE2, 0x82, 0x28], [0xF0, 0x28, 0x8C, 0xBC], [0xFF], [0xFE],
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8, 0xA1, 0xA1, 0xA1, 0xA1],
    ]

    /// A request with invalid UTF-8 inside a string (or a character cut off at the very end),
    /// sent whole or fragmented.
    private mutating func invalidUTF8(_ c: inout RawCase) {
        var text = request("u\(c.index)", authenticated: c.authenticated, post: c.forbidden)
        if chance(20) {
            text += [0xE2, 0x82]
        } else {
            // Inside the first string value (the id), so the JSON around it stays intact.
            let at = 7 + int(3)
            text.insert(contentsOf: pick(Self.invalidSequences), at: at)
        }
        let parts = split(text, into: 1 + int(3))
        c.hostile = [parts.enumerated().flatMap { i, part in frame(fin: i == parts.count - 1, i == 0 ? Self.text : Self.continuation, part) }]
        c.expected = .close(1007)
    }

    /// What comes instead of a proper upgrade request: junk, a broken upgrade, or part of one
    /// and then silence.
    private mutating func httpJunk(_ c: inout RawCase) {
        c.handshake = false
        c.authenticated = false
        c.forbidden = nil
        c.prelude = []
        c.expected = .noUpgrade
        let head = RawWebSocket.upgradeRequest()
        if c.kind == .incompleteHead {
            switch int(4) {
            case 0: c.hostile = [Array(head.prefix(int(head.count - 4)))]
            // Empty lines before the request line are allowed (RFC 9112 §2.2); they do not end a head.
            case 1: c.hostile = [Array(repeating: Array("\r\n".utf8), count: 1 + int(3)).flatMap { $0 } + Array(head.prefix(int(head.count - 4)))]
            case 2: c.hostile = [Array("\r\n\r\n".utf8)]
            default: c.hostile = [Array("GET /v1/ws HTTP/1.1\r\nX-Pad: ".utf8) + [UInt8](repeating: 0x61, count: 60_000 + int(30_000))]
            }
            return
        }
        let junk: [UInt8]
        switch int(8) {
        case 0: junk = bytes(1 + int(600))
        case 1: junk = (0..<(1 + int(80))).map { _ in UInt8(32 + int(95)) } + Array("\r\n\r\n".utf8)
        case 2: junk = Array("GET /v1/ws HTTP/1.1\r\nBad Header Line\r\n\r\n".utf8)
        case 3: junk = Array("garbage\r\n".utf8) + head
        case 4: junk = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03] + bytes(32)
        case 5: junk = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        // Never CR or LF: empty lines before a request line are allowed, and would make it valid.
        case 6: junk = bytes(1 + int(40)).map { $0 == 13 || $0 == 10 ? 0x21 : $0 } + head
        default:
            // A broken upgrade: no key, a wrong version or the wrong method.
            let broken = pick([
                "GET /v1/ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
                "GET /v1/ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
                "POST /v1/ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n",
            ])
            junk = Array(broken.utf8)
        }
        c.hostile = [junk]
    }
}
