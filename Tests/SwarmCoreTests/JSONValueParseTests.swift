import Foundation
import SwarmProtocol
import Testing

/// `JSONValue.parse` (the client's frame parser) gives what `JSONDecoder` gives for the same
/// text, and refuses what is not JSON.
@Suite("JSONValue parser")
struct JSONValueParseTests {
    static func decoded(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("the same values as JSONDecoder: nesting, escapes, unicode, numbers, whitespace")
    func sameAsDecoder() throws {
        let texts = [
            #"{"re":"c-1","ok":true,"data":{"entries":[{"id":"T1","at":"2026-03-02T09:00:00.000Z","n":3,"x":null,"f":false}],"more":false}}"#,
            #"[1, -2, 3.5, -0.25, 1e3, 2E-2, 0, 12345678901234, -1.5e+10]"#,
            #"  {"a" : [ ] , "b":{ }, "c" : [ [ [ ] ] ] }  "#,
            #"{"s":"quote \" backslash \\ slash \/ \b\f\n\r\t end"}"#,
            #"{"u":"caf\u00e9 \u20ac \ud83d\ude00 perché già è"}"#,
            #""just a string""#, "true", "false", "null", "42",
            #"{"dup":1,"dup":2}"#,
        ]
        for text in texts {
            #expect(try JSONValue.parse(text) == Self.decoded(text), "\(text)")
        }
    }

    @Test("malformed text is refused, not guessed")
    func refuses() {
        for bad in ["", "{", "[1,]", #"{"a":1,}"#, #"{"a" 1}"#, "01", "1.", "-", "1e", "tru", "nul", #""open"#, "[1] 2",
                    #""\x""#, #""\u12""#, #""\ud83d""#, #""\ude00x""#, "\"tab\there\"", "{a:1}", "NaN", "+1", "1e400", "-1e400"] {
            #expect(throws: JSONValue.ParseError.self, "\(bad)") { try JSONValue.parse(bad) }
        }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep) }
    }

    @Test("a server frame parses to what JSONDecoder decodes")
    func frames() throws {
        let texts = [
            #"{"re":"c-7","ok":false,"error":{"code":"forbidden","message":"join the channel first"}}"#,
            #"{"ev":"message.new","seq":12,"data":{"id":"M3","body":"hi","mentions":[]}}"#,
            #"{"re":"c-2","ok":true,"data":null}"#,
        ]
        for text in texts {
            let parsed = try ServerFrame(parsing: text)
            let decoded = try JSONDecoder().decode(ServerFrame.self, from: Data(text.utf8))
            #expect(parsed.re == decoded.re && parsed.ok == decoded.ok && parsed.ev == decoded.ev && parsed.seq == decoded.seq)
            #expect(parsed.data == decoded.data)
            #expect(parsed.error?.code == decoded.error?.code && parsed.error?.message == decoded.error?.message)
        }
    }
}
