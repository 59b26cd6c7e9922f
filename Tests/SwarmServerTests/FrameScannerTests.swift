@testable import SwarmServer
import Testing

/// The raw-bytes guard follows frame boundaries without buffering payloads; bytes arrive in
/// arbitrary chunks, so boundaries and headers may be split anywhere.
@Suite("FrameScanner: unmasked, reserved-bit and reserved-opcode client frames in a byte stream")
struct FrameScannerTests {
    static func frame(_ payloadLength: Int, masked: Bool = true, rsv: UInt8 = 0, opcode: UInt8 = 0x1) -> [UInt8] {
        RawWebSocket.encodeFrame(rsv: rsv, opcode: opcode, payload: [UInt8](repeating: 0x41, count: payloadLength), mask: masked ? [1, 2, 3, 4] : nil)
    }

    @Test("masked frames of every length form pass, in any chunking; the first unmasked one is found")
    func chunked() {
        let stream = Self.frame(5) + Self.frame(300) + Self.frame(70_000) + Self.frame(0)
        let bad = stream.count
        let all = stream + Self.frame(3, masked: false) + Self.frame(2)
        for chunk in [1, 2, 3, 7, 100, 4096, all.count] {
            var scanner = FrameScanner()
            var found: Int?
            var offset = 0
            while offset < all.count, found == nil {
                let piece = Array(all[offset..<min(offset + chunk, all.count)])
                if let at = scanner.scan(piece) { found = offset + at.offset }
                offset += piece.count
            }
            // Reported where the bad frame starts, or at the start of the chunk that completes
            // its first two bytes when it started in an earlier one.
            #expect(found == max(bad, ((bad + 1) / chunk) * chunk), "chunk \(chunk)")
        }
    }

    @Test("a stream of masked frames is never flagged")
    func allMasked() {
        var scanner = FrameScanner()
        #expect(scanner.scan(Self.frame(125) + Self.frame(126) + Self.frame(65_535) + Self.frame(65_536)) == nil)
    }
}

extension FrameScannerTests {
    @Test("a reserved bit or a reserved opcode is found where its frame starts; every defined opcode passes")
    func reservedBitsAndOpcodes() {
        let good = [0x0, 0x1, 0x2, 0x8, 0x9, 0xA].map { Self.frame(3, opcode: $0) }.flatMap { $0 }
        var scanner = FrameScanner()
        #expect(scanner.scan(good) == nil)
        for rsv: UInt8 in 1...7 {
            var scanner = FrameScanner()
            #expect(scanner.scan(good + Self.frame(2, rsv: rsv)) == .init(offset: good.count, rule: .reservedBits), "rsv \(rsv)")
        }
        for opcode: UInt8 in [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            var scanner = FrameScanner()
            #expect(scanner.scan(good + Self.frame(2, opcode: opcode)) == .init(offset: good.count, rule: .reservedOpcode), "opcode \(opcode)")
        }
        var unmasked = FrameScanner()
        #expect(unmasked.scan(good + Self.frame(2, masked: false)) == .init(offset: good.count, rule: .unmasked))
    }
}
