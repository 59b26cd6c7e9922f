import Foundation
import SwarmProtocol

/// A small, seedable generator (SplitMix64): the same seed gives the same frames, so a failure
/// found by `scripts/fuzz.sh --seed S` is found again by the same seed.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform enough in 0..<n (n ≤ 0 gives 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// One hostile frame and the answer it must get: a reply naming its id, an error frame without
/// `re` (unreadable, too large, binary), or either (deep nesting: the envelope may or may not
/// parse). Exactly one answer per frame in every case.
struct FuzzFrame {
    enum Answer: Equatable { case reply(String), noRe, either(String) }
    enum Body { case text(String), binary([UInt8]) }
    var body: Body
    var answer: Answer
}

/// Builds frames from the example transcripts' requests and from every op's field names, mangled
/// in the ways clients get things wrong.
struct FuzzFrames {
    let requests: [[String: JSONValue]]
    let fieldsByOp: [String: [String]]
    let allFields: [String]
    let maxFrameBytes: Int
    /// Channels and ids worth aiming at (private channels the fuzzers are not in, real ids).
    var targets: [String] = []
    var rng: SeededRandom
    var counter = 0

    init(seed: UInt64, examples: URL, maxFrameBytes: Int) throws {
        var requests: [[String: JSONValue]] = []
        var fields: [String: Set<String>] = [:]
        let files = try FileManager.default.contentsOfDirectory(at: examples, includingPropertiesForKeys: nil).filter { $0.pathExtension == "jsonl" }
        for file in files.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)), let send = value["send"]?.object,
                      let op = send["op"]?.string else { continue }
                requests.append(send)
                fields[op, default: []].formUnion(send["data"]?.object?.keys.map { $0 } ?? [])
            }
        }
        self.requests = requests
        self.fieldsByOp = fields.mapValues { $0.sorted() }
        self.allFields = Array(Set(fields.values.flatMap { $0 })).sorted()
        self.maxFrameBytes = maxFrameBytes
        self.rng = SeededRandom(seed: seed)
    }

    mutating func int(_ n: Int) -> Int { rng.below(n) }
    mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    mutating func nextId() -> String {
        counter += 1
        return "f\(counter)"
    }

    mutating func randomString() -> String {
        switch int(9) {
        case 0: return ""
        case 1: return String(repeating: "x", count: 1 + int(3000))
        case 2: return "swt_" + String(repeating: "0123456789abcdef", count: 4)
        case 3: return pick(["#general", "#calm", "#support", "general", "dm.alice.bob", "C1", "C2", "C999", "M1", "M3", "CS1", "KB1", "U1", "U3", "T1"])
        case 4: return pick(["🦄", "é\u{301}", "\u{0}", "\u{FEFF}", "\\\"", "<script>", "'; DROP TABLE messages; --", "%s%n", "../../etc/passwd"])
        case 5: return targets.isEmpty ? "C1" : pick(targets)
        case 6: return "$" + pick(["ch", "m1", "case", "token:alice", "any"])
        default: return String((0..<int(24)).map { _ in Character(UnicodeScalar(UInt8(32 + int(95)))) })
        }
    }

    mutating func randomValue(depth: Int = 0) -> JSONValue {
        switch int(depth > 2 ? 6 : 8) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .number(pick([0, -1, 1, 42, 1e15, -9.2e18, 1e300, 0.5, Double(Int32.max)]))
        case 3, 4, 5: return .string(randomString())
        case 6: return .array((0..<int(4)).map { _ in randomValue(depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for _ in 0..<int(4) { o[pick(allFields)] = randomValue(depth: depth + 1) }
            return .object(o)
        }
    }

    static func encode(_ value: JSONValue) -> String { value.description }

    /// What the server answers a text frame with, read the way it reads one: a JSON object with
    /// string `id` and `op` within the size limit gets a reply with `re` (the id's first 128
    /// characters); anything else an error frame without `re`.
    static func answer(to text: String, maxFrameBytes: Int) -> FuzzFrame.Answer {
        guard text.utf8.count <= maxFrameBytes, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
              let id = value["id"]?.string, value["op"]?.string != nil else { return .noRe }
        return .reply(String(id.prefix(128)))
    }

    /// The next frame. `authenticated`: whether the connection said hello (a fuzzer without
    /// hello must not send one: a refused hello closes the socket by design).
    mutating func next(authenticated: Bool) -> FuzzFrame {
        let id = nextId()
        switch int(100) {
        case 0..<8:   // unreadable text
            var request = pick(requests)
            request["id"] = .string(id)
            // The junk may complete the JSON: a hello that then fails would close the socket.
            if request["op"] == .string(Op.hello.rawValue) { request["op"] = .string(Op.ping.rawValue) }
            let valid = Self.encode(.object(request))
            let cut = valid.prefix(int(valid.count))
            let junk = pick(["", "}", "{{", "\"", ",]", "nul", "\u{7F}", String(repeating: "[", count: 40)])
            // The junk sometimes completes the JSON: then it is a request and needs its reply.
            let text = String(cut) + junk
            return FuzzFrame(body: .text(text), answer: Self.answer(to: text, maxFrameBytes: maxFrameBytes))
        case 8..<10:  // valid JSON, not a request object
            let shapes: [JSONValue] = [.array([.string(id)]), .string(id), .number(7), .null, .object(["id": .number(1), "op": .string("ping")])]
            return FuzzFrame(body: .text(Self.encode(pick(shapes))), answer: .noRe)
        case 10..<16: // unknown op
            let op = pick(["rm -rf", "message.posts", "MESSAGE.POST", "", "message.", randomString()])
            return request(id, op: op, data: randomValue(), authenticated: authenticated)
        case 16..<46: // every op, its own field names with values of any type
            let op = pick(Op.allCases).rawValue
            var data: [String: JSONValue] = [:]
            for key in fieldsByOp[op] ?? allFields where chance(60) { data[key] = randomValue() }
            return request(id, op: op, data: .object(data), authenticated: authenticated)
        case 46..<80: // an example request, mutated
            return mutated(id, authenticated: authenticated)
        case 80..<86: // aimed at channels and ids the fuzzer may not touch
            let op = pick([Op.messagePost, .history, .channelJoin, .channelMembers, .threadGet, .messageEdit, .messageDelete, .caseGet, .kbShare, .readMark]).rawValue
            let target = JSONValue.string(targets.isEmpty ? "#calm" : pick(targets))
            return request(id, op: op, data: .object(["channel": target, "message": target, "thread": target, "case": target,
                                                      "body": .string("intruder"), "article": .string("KB1")]), authenticated: authenticated)
        case 86..<89: // over the soft frame limit
            let body = String(repeating: "A", count: maxFrameBytes + 1 + int(maxFrameBytes * 4))
            return FuzzFrame(body: .text(##"{"id":"\##(id)","op":"message.post","data":{"channel":"#general","body":"\##(body)"}}"##), answer: .noRe)
        case 89..<92:
            return FuzzFrame(body: .binary((0..<int(200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }), answer: .noRe)
        case 92..<95: // deep nesting inside a request
            let depth = 50 + int(min(maxFrameBytes / 2 - 64, 3000))
            let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            return FuzzFrame(body: .text(#"{"id":"\#(id)","op":"ping","data":\#(nested)}"#), answer: .either(id))
        case 95..<97: // an id longer than the server keeps
            let long = id + "-" + String(repeating: "i", count: 200)
            return FuzzFrame(body: .text(Self.encode(.object(["id": .string(long), "op": .string("ping"), "data": .object([:])]))), answer: .reply(String(long.prefix(128))))
        default:      // id or op of the wrong type, or missing
            var o = pick(requests)
            if chance(50) {
                o["id"] = pick([JSONValue.number(1), .null, .array([]), .bool(true)])
            } else {
                o["id"] = .string(id)
                o["op"] = pick([JSONValue.number(3), .null, .object([:])])
            }
            if chance(30) { o["id"] = nil }
            return FuzzFrame(body: .text(Self.encode(.object(o))), answer: .noRe)
        }
    }

    mutating func mutated(_ id: String, authenticated: Bool) -> FuzzFrame {
        var o = pick(requests)
        var data = o["data"]?.object ?? [:]
        for _ in 0..<(1 + int(3)) {
            switch int(6) {
            case 0: if let k = data.keys.sorted().randomElement(using: &rng) { data[k] = nil }
            case 1: data[pick(allFields)] = randomValue()
            case 2: if let k = data.keys.sorted().randomElement(using: &rng) { data[k] = randomValue() }
            case 3: o["op"] = .string(pick(Op.allCases).rawValue)
            case 4: data["idempotency_key"] = .string(randomString())
            default: if let k = data.keys.sorted().randomElement(using: &rng) { data[k] = .string(randomString()) }
            }
        }
        let op = o["op"]?.string ?? "ping"
        return request(id, op: op, data: chance(5) ? randomValue() : .object(data), authenticated: authenticated)
    }

    /// A well-formed envelope: it must get exactly one reply with `re`. Ops that end the
    /// fuzzer's own session on purpose (hello before auth, revoking its own token) become ping.
    func request(_ id: String, op: String, data: JSONValue, authenticated: Bool) -> FuzzFrame {
        var op = op
        if op == Op.tokenRevoke.rawValue || (!authenticated && op == Op.hello.rawValue) { op = Op.ping.rawValue }
        let text = Self.encode(.object(["id": .string(id), "op": .string(op), "data": data]))
        return FuzzFrame(body: .text(text), answer: text.utf8.count > maxFrameBytes ? .noRe : .reply(id))
    }
}
