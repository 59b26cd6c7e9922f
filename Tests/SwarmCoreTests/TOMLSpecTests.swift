import SwarmCore
import Testing

/// The TOML v1.0.0 specification's own examples (https://toml.io/en/v1.0.0, copied by hand) that
/// the subset claims to read, with the values the spec says they hold. What the subset does not
/// read is in TOMLSpecRejectionTests.
@Suite("TOML subset: the spec's examples it supports")
struct TOMLSpecTests {
    @Test func comments() throws {
        let v = try TOMLSubset.parse(#"""
        # This is a full-line comment
        key = "value"  # This is a comment at the end of a line
        another = "# This is not a comment"
        """#)
        #expect(v == ["key": .string("value"), "another": .string("# This is not a comment")])
    }

    @Test func bareKeys() throws {
        let v = try TOMLSubset.parse(#"""
        key = "value"
        bare_key = "value"
        bare-key = "value"
        1234 = "value"
        """#)
        #expect(v == ["key": .string("value"), "bare_key": .string("value"), "bare-key": .string("value"), "1234": .string("value")])
    }

    @Test func basicStringsAndEveryEscape() throws {
        let v = try TOMLSubset.parse(#"""
        str = "I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF."
        str2 = "Roses are red\nViolets are blue"
        str3 = "Roses are red\r\nViolets are blue"
        str1 = "The quick brown fox jumps over the lazy dog."
        apos15 = "Here are fifteen apostrophes: '''''''''''''''"
        escapes = "\b\t\n\f\r\"\\\u00E9\U0001F600"
        empty = ""
        """#)
        #expect(v["str"] == .string("I'm a string. \"You can quote me\". Name\tJos\u{E9}\nLocation\tSF."))
        #expect(v["str2"] == .string("Roses are red\nViolets are blue"))
        #expect(v["str3"] == .string("Roses are red\r\nViolets are blue"))
        #expect(v["str1"] == .string("The quick brown fox jumps over the lazy dog."))
        #expect(v["apos15"] == .string("Here are fifteen apostrophes: '''''''''''''''"))
        #expect(v["escapes"] == .string("\u{08}\t\n\u{0C}\r\"\\\u{E9}\u{1F600}"))
        #expect(v["empty"] == .string(""))
    }

    @Test func literalStrings() throws {
        let v = try TOMLSubset.parse(#"""
        # What you see is what you get.
        winpath  = 'C:\Users\nodejs\templates'
        winpath2 = '\\ServerX\admin$\system32\'
        quoted   = 'Tom "Dubs" Preston-Werner'
        regex    = '<\i\c*\s*>'
        """#)
        #expect(v["winpath"] == .string(#"C:\Users\nodejs\templates"#))
        #expect(v["winpath2"] == .string(#"\\ServerX\admin$\system32\"#))
        #expect(v["quoted"] == .string(#"Tom "Dubs" Preston-Werner"#))
        #expect(v["regex"] == .string(#"<\i\c*\s*>"#))
    }

    @Test func integers() throws {
        let v = try TOMLSubset.parse(#"""
        int1 = +99
        int2 = 42
        int3 = 0
        int4 = -17
        int5 = 1_000
        int6 = 5_349_221
        int7 = 53_49_221  # Indian number system grouping
        int8 = 1_2_3_4_5  # VALID but discouraged
        zero1 = -0
        zero2 = +0

        # hexadecimal with prefix `0x`
        hex1 = 0xDEADBEEF
        hex2 = 0xdeadbeef
        hex3 = 0xdead_beef

        # octal with prefix `0o`
        oct1 = 0o01234567
        oct2 = 0o755 # useful for Unix file permissions

        # binary with prefix `0b`
        bin1 = 0b11010110

        max = 9223372036854775807
        min = -9223372036854775808
        """#)
        let expected: [String: Int] = [
            "int1": 99, "int2": 42, "int3": 0, "int4": -17, "int5": 1000, "int6": 5_349_221, "int7": 5_349_221, "int8": 12345,
            "zero1": 0, "zero2": 0, "hex1": 0xDEADBEEF, "hex2": 0xDEADBEEF, "hex3": 0xDEADBEEF, "oct1": 0o1234567, "oct2": 0o755,
            "bin1": 0b11010110, "max": Int.max, "min": Int.min,
        ]
        #expect(v == expected.mapValues { .integer($0) })
    }

    @Test func floats() throws {
        let v = try TOMLSubset.parse(#"""
        # fractional
        flt1 = +1.0
        flt2 = 3.1415
        flt3 = -0.01

        # exponent
        flt4 = 5e+22
        flt5 = 1e06
        flt6 = -2E-2

        # both
        flt7 = 6.626e-34
        flt8 = 224_617.445_991_228
        negzero = -0.0
        poszero = +0.0

        # infinity
        sf1 = inf  # positive infinity
        sf2 = +inf # positive infinity
        sf3 = -inf # negative infinity

        # not a number
        sf4 = nan  # actual sNaN/qNaN encoding is implementation-specific
        sf5 = +nan # same as `nan`
        sf6 = -nan # valid, actual encoding is implementation-specific
        """#)
        let expected: [String: Double] = [
            "flt1": 1.0, "flt2": 3.1415, "flt3": -0.01, "flt4": 5e22, "flt5": 1e6, "flt6": -2e-2, "flt7": 6.626e-34,
            "flt8": 224_617.445_991_228, "negzero": -0.0, "poszero": 0.0, "sf1": .infinity, "sf2": .infinity, "sf3": -.infinity,
        ]
        for (key, value) in expected { #expect(v[key] == .double(value), "\(key)") }
        guard case .double(let negzero) = v["negzero"] else { Issue.record("negzero"); return }
        #expect(negzero.sign == .minus)
        for key in ["sf4", "sf5", "sf6"] {
            guard case .double(let d) = v[key] else { Issue.record("\(key) is not a float"); continue }
            #expect(d.isNaN, "\(key)")
        }
    }

    @Test func booleans() throws {
        #expect(try TOMLSubset.parse("bool1 = true\nbool2 = false") == ["bool1": .bool(true), "bool2": .bool(false)])
    }

    @Test func arraysOfStringsOnOneLineOrSeveral() throws {
        let v = try TOMLSubset.parse(#"""
        colors = [ "red", "yellow", "green" ]
        string_array = [ "all", 'strings' ]
        commas = ["a,b", 'c]d', "e#f"]
        empty = []
        strings2 = [
          "1", "2", "3"
        ]
        strings3 = [
          "1",
          "2", # this is ok
        ]
        """#)
        #expect(v["colors"] == .strings(["red", "yellow", "green"]))
        #expect(v["string_array"] == .strings(["all", "strings"]))
        #expect(v["commas"] == .strings(["a,b", "c]d", "e#f"]))
        #expect(v["empty"] == .strings([]))
        #expect(v["strings2"] == .strings(["1", "2", "3"]))
        #expect(v["strings3"] == .strings(["1", "2"]))
    }

    @Test func tables() throws {
        let v = try TOMLSubset.parse(#"""
        [table]

        [table-1]
        key1 = "some string"
        key2 = 123

        [table-2]
        key1 = "another string"
        key2 = 456
        """#)
        #expect(v == [
            "table-1.key1": .string("some string"), "table-1.key2": .integer(123),
            "table-2.key1": .string("another string"), "table-2.key2": .integer(456),
        ])
    }

    @Test func tableHeadersWithSpacesAndImplicitSuperTables() throws {
        let v = try TOMLSubset.parse(#"""
        [a.b.c]            # this is best practice
        k = 1
        [ d.e.f ]          # same as [d.e.f]
        k = 2
        [ g .  h  . i ]    # same as [g.h.i]
        k = 3
        # [x] you
        # [x.y] don't
        # [x.y.z] need these
        [x.y.z.w] # for this to work
        k = 4
        [x] # defining a super-table afterward is ok
        k = 5
        """#)
        #expect(v == ["a.b.c.k": .integer(1), "d.e.f.k": .integer(2), "g.h.i.k": .integer(3), "x.y.z.w.k": .integer(4), "x.k": .integer(5)])
    }

    @Test func tablesOutOfOrderAndTheRootTable() throws {
        let v = try TOMLSubset.parse(#"""
        # VALID BUT DISCOURAGED
        [fruit.apple]
        [animal]
        [fruit.orange]
        """#)
        #expect(v.isEmpty)
        let root = try TOMLSubset.parse(#"""
        # Top-level table begins.
        name = "Fido"
        breed = "pug"

        # Top-level table ends.
        [owner]
        name = "Regina Dogman"
        """#)
        #expect(root == ["name": .string("Fido"), "breed": .string("pug"), "owner.name": .string("Regina Dogman")])
    }

    @Test func windowsLineEndings() throws {
        let v = try TOMLSubset.parse("[server]\r\nhost = \"h\" # c\r\nports = [\r\n\"a\",\r\n]\r\n")
        #expect(v == ["server.host": .string("h"), "server.ports": .strings(["a"])])
    }
}
