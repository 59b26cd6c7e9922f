@testable import SwarmServer
import Testing

/// The raw-bytes guard follows frame boundaries without buffering payloads; bytes arrive in
/// arbitrary chunks, so boundaries and headers may be split anywhere.
@Suite("FrameScanner: unmasked client frames in a byte stream")
struct FrameScannerTests {
    static func frame(_ payloadLength: Int, masked: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [0x81]
        let bit: UInt8 = masked ? 0x80 : 0
        switch payloadLength {
        case ..<126: bytes.append(bit | UInt8(payloadLength))
        case ..<65536: bytes += [bit | 126, UInt8(payloadLength >> 8), UInt8(payloadLength & 0xFF)]
        default: bytes.append(bit | 127); bytes += (0..<8).reversed().map { UInt8((payloadLength >> ($0 * 8)) & 0xFF) }
        }
        if masked { bytes += [1, 2, 3, 4] }
        return bytes + [UInt8](repeating: 0x41, count: payloadLength)
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
                if let at = scanner.scan(piece) { found = offset + at }
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
