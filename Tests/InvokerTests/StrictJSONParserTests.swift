import Foundation
import Testing

@testable import Invoker

@Suite("Strict JSON parser")
struct StrictJSONParserTests {
    private func parse(_ text: String) throws(StrictJSONParser.Failure) -> JSONValue {
        try StrictJSONParser.parse(Array(text.utf8))
    }

    private func refusal(_ text: String) -> StrictJSONParser.Failure? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "valid JSON reads as Foundation reads it",
        arguments: [
            #"{"a": [1, -2.5, 3e2, 0, -0.0, 1E-3], "b": {"c": null, "d": true, "e": false}, "f": ""}"#,
            #"  ["\"\\\/\b\f\n\r\t", "\u00e9\u4e2d\ud83d\ude00", "é中😀", "\u0000"]  "#,
            "\u{FEFF}{\"bom\": 1}",
            #"[[[[[]]]], {}, [{}], 12345678901234567890]"#,
            "\"top-level string\"",
            "7",
        ]
    )
    func readsValidJSON(text: String) throws {
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try parse(text) == expected)
    }

    @Test(
        "invalid or ambiguous JSON is refused with its line and column",
        arguments: [
            (#"{"a": 1, "a": 2}"#, 1, 10, "the key \"a\" is given twice in one object"),
            ("{\"a\": 1,\n  }", 2, 3, "trailing comma before '}'"),
            ("[1, 2,\n]", 2, 1, "trailing comma before ']'"),
            ("[1e400]", 1, 2, "the number 1e400 is too large"),
            ("[-1e400]", 1, 2, "the number -1e400 is too large"),
            ("[01]", 1, 3, "a number may not have a leading zero"),
            ("[1.]", 1, 4, "expected a digit after '.'"),
            ("[1e]", 1, 4, "expected a digit in the exponent"),
            ("[-]", 1, 3, "expected a digit"),
            ("[.5]", 1, 2, "unexpected '.' where a value was expected"),
            ("[NaN]", 1, 2, "unexpected 'N' where a value was expected"),
            ("[tru]", 1, 2, "unexpected 't' where a value was expected"),
            ("{'a': 1}", 1, 2, "expected a key in double quotes, found '''"),
            ("{\"a\" 1}", 1, 6, "expected ':' after the key \"a\""),
            ("{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}' after a member"),
            ("[1 2]", 1, 4, "expected ',' or ']' after an element"),
            ("[\"a\tb\"]", 1, 4, "a control character (0x9) in a string must be escaped"),
            (#"["\x"]"#, 1, 3, "'\\x' is not a JSON escape"),
            (#"["\u12"]"#, 1, 7, "a \\u escape needs four hexadecimal digits"),
            (#"["\ud83d"]"#, 1, 9, "a \\u escape is half of a surrogate pair"),
            (#"["\ude00"]"#, 1, 9, "a \\u escape is half of a surrogate pair"),
            ("[\"abc", 1, 6, "a string is not closed"),
            ("{} {}", 1, 4, "unexpected '{' after the end of the document"),
            ("", 1, 1, "the document ends where a value was expected"),
            ("// comment\n{}", 1, 1, "unexpected '/' where a value was expected"),
        ]
    )
    func refusesInvalidJSON(text: String, line: Int, column: Int, problem: String) throws {
        let failure = try #require(refusal(text), "\(text) was accepted")
        #expect(failure.problem.contains(problem), "\(failure)")
        #expect((failure.line, failure.column) == (line, column), "\(failure)")
    }

    @Test("bytes that are not UTF-8 are refused")
    func refusesInvalidUTF8() throws {
        let bytes: [UInt8] = Array(#"["a"#.utf8) + [0xC3, 0x28] + Array(#""]"#.utf8)
        #expect(throws: StrictJSONParser.Failure.self) { try StrictJSONParser.parse(bytes) }
    }

    @Test("a failure carries the path of keys and indexes that leads to it")
    func failurePath() throws {
        let failure = try #require(refusal(#"{"a": {"b": [1, {"c": 1, "c": 2}]}}"#))
        #expect(failure.path == [.key("a"), .key("b"), .index(1), .key("c")])
        #expect(failure.isSyntax == false)
        #expect(self.refusal(#"{"a": [1,]}"#)?.path == [.key("a")])
        #expect(self.refusal(#"{"a": [1,]}"#)?.isSyntax == true)
    }

    @Test("nesting deeper than the limit is refused rather than exhausting the stack")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(refusal(deep)?.problem == "nesting is deeper than 64 levels")
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(refusal(fine) == nil)
    }
}
