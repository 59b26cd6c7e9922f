import SwarmCore
import Testing

/// Every TOML v1.0.0 feature the subset does not read, from the spec's own examples, must be
/// refused with an error naming its line: a config file that parses means what it says. Also the
/// spec's invalid documents, and the inputs the first version of the subset silently misread.
@Suite("TOML subset: what it rejects, and where")
struct TOMLSpecRejectionTests {
    /// Parsing `doc` fails on `line` with a reason mentioning `words`.
    func rejects(_ doc: String, line: Int, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let v = try TOMLSubset.parse(doc)
            Issue.record("accepted: \(v)", sourceLocation: sourceLocation)
        } catch let error as TOMLSubset.ParseError {
            #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
            #expect(error.reason.contains(words), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("line \(line): "), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func quotedKeys() {
        for key in [#""127.0.0.1""#, #""character encoding""#, #""ʎǝʞ""#, "'key2'", #"'quoted "value"'"#, #""""#, "''"] {
            rejects("ok = 1\n\(key) = \"value\"", line: 2, "quoted keys are not supported")
        }
        rejects("[dog.\"tater.man\"]\ntype = \"pug\"", line: 1, "quoted keys are not supported")
        rejects("[ j . \"ʞ\" . 'l' ]", line: 1, "quoted keys are not supported")
    }

    @Test func dottedKeys() {
        rejects("name = \"Orange\"\nphysical.color = \"orange\"", line: 2, "dotted keys")
        rejects("site.\"google.com\" = true", line: 1, "dotted keys")
        rejects("\n\nfruit. color = \"yellow\"", line: 3, "dotted keys")
        rejects("fruit . flavor = \"banana\"", line: 1, "dotted keys")
        // Must not become a key "3.14159" or a float.
        rejects("3.14159 = \"pi\"", line: 1, "dotted keys")
        rejects("[fruit]\napple.color = \"red\"", line: 2, "dotted keys")
        rejects("[product]\ntype.name = \"Nail\"", line: 2, "dotted keys")
    }

    @Test func multiLineStrings() {
        rejects("a = 1\nstr1 = \"\"\"\nRoses are red\nViolets are blue\"\"\"", line: 2, "multi-line strings")
        rejects(#"str4 = """Here are two quotation marks: "". Simple enough.""""#, line: 1, "multi-line strings")
        rejects(#"str7 = """"This," she said, "is just a pointless statement.""""#, line: 1, "multi-line strings")
        rejects("x = 1\n\nstr3 = \"\"\"\\\n  The quick brown \\\n  fox.\\\n  \"\"\"", line: 3, "multi-line strings")
        // The first subset read both of these as literal strings ("''I [dw]on't…''" and "'").
        rejects(#"regex2 = '''I [dw]on't need \d{2} apples'''"#, line: 1, "multi-line strings")
        rejects("lines  = '''\nThe first newline is\ntrimmed in raw strings.\n'''", line: 1, "multi-line strings")
        rejects(#"quot15 = '''Here are fifteen quotation marks: """""""""""""""'''"#, line: 1, "multi-line strings")
        rejects(#"str = ''''That,' she said, 'is still pointless.''''"#, line: 1, "multi-line strings")
        rejects(#"string_array = [ "all", 'strings', """are the same""", '''type''' ]"#, line: 1, "multi-line strings")
    }

    @Test func inlineTables() {
        rejects(#"name = { first = "Tom", last = "Preston-Werner" }"#, line: 1, "inline tables")
        rejects("a = 1\npoint = { x = 1, y = 2 }", line: 2, "inline tables")
        rejects(#"contributors = [ "Foo Bar <foo@example.com>", { name = "Baz Qux" } ]"#, line: 1, "inline tables")
        rejects("points = [ { x = 1, y = 2, z = 3 },\n { x = 7, y = 8, z = 9 } ]", line: 1, "inline tables")
    }

    @Test func arraysOfTables() {
        // The first subset took this for a table named "[products]" and read its keys.
        rejects("[[products]]\nname = \"Hammer\"\nsku = 738594937", line: 1, "arrays of tables")
        rejects("[[fruits]]\nname = \"apple\"\n\n[fruits.physical]\ncolor = \"red\"\n\n[[fruits.varieties]]", line: 1, "arrays of tables")
        rejects("fruits = []\n\n[[fruits]] # Not allowed", line: 3, "arrays of tables")
    }

    @Test func datesAndTimes() {
        let values = [
            "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999-07:00", "1979-05-27 07:32:00Z",
            "1979-05-27T07:32:00", "1979-05-27T00:32:00.999999", "1979-05-27", "07:32:00", "00:32:00.999999",
        ]
        for value in values { rejects("[owner]\nwhen = \(value)", line: 2, "dates and times are not supported") }
        rejects("name = \"Fido\"\n[owner]\nname = \"Regina Dogman\"\nmember_since = 1999-08-04", line: 4, "dates and times")
    }

    @Test func arraysOfOtherThanStrings() {
        rejects("integers = [ 1, 2, 3 ]", line: 1, "arrays hold only strings")
        rejects("nested_arrays_of_ints = [ [ 1, 2 ], [3, 4, 5] ]", line: 1, "nested arrays")
        rejects(#"nested_mixed_array = [ [ 1, 2 ], ["a", "b", "c"] ]"#, line: 1, "nested arrays")
        rejects("numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]", line: 1, "arrays hold only strings")
        rejects("integers2 = [\n  1, 2, 3\n]", line: 2, "arrays hold only strings")
        rejects("integers3 = [\n  \"1\",\n  2, # this is ok\n]", line: 3, "arrays hold only strings")
        rejects("flags = [true]", line: 1, "arrays hold only strings")
    }

    @Test func theSpecsInvalidDocuments() {
        rejects("key = # INVALID", line: 1, "missing value")
        rejects(#"first = "Tom" last = "Preston-Werner" # INVALID"#, line: 1, "one key = value per line")
        rejects(#"= "no key name"  # INVALID"#, line: 1, "missing key name")
        rejects("# DO NOT DO THIS\nname = \"Tom\"\nname = \"Pradyun\"", line: 3, "already defined on line 2")
        rejects("spelling = \"favorite\"\n\"spelling\" = \"favourite\"", line: 2, "quoted keys")
        rejects("[fruit]\napple = \"red\"\n\n[fruit]\norange = \"orange\"", line: 4, "already defined on line 1")
        rejects("[fruit]\napple = \"red\"\n\n[fruit.apple]\ntexture = \"smooth\"", line: 4, "fruit.apple is a value (line 2)")
        rejects("[a.b]\nc = 1\n[a]\nb = 2", line: 4, "a.b is already a table")
        rejects("invalid_float_1 = .7", line: 1, "bad value")
        rejects("invalid_float_2 = 7.", line: 1, "bad value")
        rejects("invalid_float_3 = 3.e+20", line: 1, "bad value")
        rejects(#"s = "\x41""#, line: 1, "unknown escape")
        rejects(#"s = "\uD800""#, line: 1, "not a Unicode scalar value")
        rejects(#"s = "\u00E""#, line: 1, "needs 4 hex digits")
        rejects("s = \"tab\tok but not \u{01}\"", line: 1, "control character U+0001")
        rejects("apos15 = '''''''''''''''''' # INVALID", line: 1, "multi-line strings")
    }

    /// Inputs the first subset accepted with a wrong value; each must now be an error.
    @Test func formerMisreads() {
        rejects("n = 007", line: 1, "leading zeros")
        rejects("n = 9223372036854775808", line: 1, "64-bit range")
        rejects("n = 0xFFFFFFFFFFFFFFFF", line: 1, "64-bit range")
        rejects("n = 1__000", line: 1, "bad value")
        rejects("n = _1", line: 1, "bad value")
        rejects("n = 1_", line: 1, "bad value")
        rejects("n = +0x10", line: 1, "bad value")
        rejects("n = 0x1p3", line: 1, "bad hexadecimal integer")
        rejects("n = infinity", line: 1, "bad value")
        rejects("n = 1e400", line: 1, "float out of range")
        rejects("s = 'a' 'b'", line: 1, "one key = value per line")
        rejects("list = [\"a\",,\"b\"]", line: 1, "empty element")
        rejects("[server]]\nport = 1", line: 1, "unexpected text after the table header [server]")
        rejects("[ ]\nport = 1", line: 1, "missing key name")
        rejects("[a b]", line: 1, "expected ]")
        rejects("ключ = 1", line: 1, "bad character")
        rejects("list = [\"a\"\n", line: 2, "unterminated array (list, opened on line 1)")
        rejects("x = \"unterminated\ny = 1", line: 1, "unterminated string")
        rejects("[server]\nport 7420", line: 2, "expected = after port")
        rejects("a = 1\rb = 2", line: 1, "carriage return")
    }

    /// A `#` after an escaped quote is inside the string: the first subset cut the line there.
    @Test func escapedQuoteBeforeHash() throws {
        #expect(try TOMLSubset.parse(##"s = "a\"#b" # comment"##) == ["s": .string(##"a"#b"##)])
    }
}
