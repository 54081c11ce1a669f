import Foundation
import Testing

@testable import Invoker

/// The corpus of broken manifests: each must be refused with an error that names the file, the function and the
/// field, and says what is wrong. Every manifest here once started the invoker, crashed it, or said too little.
@Suite("Broken manifests")
struct BrokenManifestTests {
    /// One broken manifest and the error it must get.
    struct Case: CustomTestStringConvertible, Sendable {
        /// What is broken.
        var name: String
        /// The manifest's text.
        var json: String
        /// The function the error must name; nil for problems with the whole file.
        var function: String?
        /// The field the error must name; nil when the problem is the whole function or file.
        var field: String?
        /// A part of the message.
        var message: String

        var testDescription: String { name }
    }

    /// A manifest of one function `f` with these members.
    private static func function(_ members: String) -> String {
        #"{"functions": {"f": {"# + members + "}}}"
    }

    /// Two functions `a` and `b` with these routes.
    private static func routes(_ a: String, _ b: String) -> String {
        #"{"functions": {"a": {"http": ["# + a + #"]}, "b": {"http": ["# + b + "]}}}"
    }

    static let corpus: [Case] =
        [
            // JSON that Foundation accepts but a configuration file must not.
            Case(
                name: "a duplicated key, the first of which would win",
                json: function(#""timeout": 1, "timeout": 5000"#),
                function: "f",
                field: "timeout",
                message: "the key \"timeout\" is given twice in one object (line 1, column 36)"
            ),
            Case(
                name: "a duplicated function",
                json: #"{"functions": {"f": {"timeout": 1}, "f": {"timeout": 2}}}"#,
                function: "f",
                field: nil,
                message: "the key \"f\" is given twice"
            ),
            Case(
                name: "a duplicated key in a nested object",
                json: function(#""scaling": {"max": 1, "max": 2}"#),
                function: "f",
                field: "scaling.max",
                message: "is given twice"
            ),
            Case(
                name: "a trailing comma in an object",
                json: function(#""timeout": 1,"#),
                function: "f",
                field: nil,
                message: "is not valid JSON: trailing comma before '}'"
            ),
            Case(
                name: "a trailing comma in an array",
                json: function(#""http": [{"path": "/a", "methods": ["GET",]}]"#),
                function: "f",
                field: "http[0].methods",
                message: "is not valid JSON: trailing comma before ']'"
            ),
            Case(
                name: "a number too large for a double",
                json: function(#""timeout": 1e400"#),
                function: "f",
                field: "timeout",
                message: "the number 1e400 is too large"
            ),
            Case(
                name: "a comment",
                json: function(#""timeout": 1 // seconds"#),
                function: "f",
                field: nil,
                message: "is not valid JSON: expected ',' or '}' after a member, found '/'"
            ),
            Case(
                name: "a value missing",
                json: #"{"functions": {"a": }"#,
                function: "a",
                field: nil,
                message: "is not valid JSON: unexpected '}' where a value was expected"
            ),
            Case(
                name: "nesting too deep",
                json: function(#""environment": "# + String(repeating: "[", count: 100)),
                function: "f",
                field: "environment" + String(repeating: "[0]", count: 61),
                message: "nesting is deeper than 64 levels"
            ),
            // Methods.
            Case(
                name: "methods differing only in case",
                json: function(#""http": [{"path": "/a", "methods": ["get", "GET"]}]"#),
                function: "f",
                field: "http[0].methods[1]",
                message: "\"GET\" is listed twice (methods[0] is \"get\"); methods are not case-sensitive"
            ),
            Case(
                name: "ANY beside an unknown method",
                json: function(#""http": [{"path": "/a", "methods": ["ANY", "FOO"]}]"#),
                function: "f",
                field: "http[0].methods[1]",
                message: "\"FOO\" is not an HTTP method"
            ),
            Case(
                name: "ANY beside another method",
                json: function(#""http": [{"path": "/a", "methods": ["GET", "ANY"]}]"#),
                function: "f",
                field: "http[0].methods[1]",
                message: "\"ANY\" accepts every method, so it must be the only one listed"
            ),
            // Paths and routes.
            Case(
                name: "a NUL in a route path",
                json: function(#""http": [{"path": "/a\u0000b"}]"#),
                function: "f",
                field: "http[0].path",
                message: "\"/a\\0b\" must not contain control characters"
            ),
            Case(
                name: "a router wildcard as a segment",
                json: function(#""http": [{"path": "/files/*"}]"#),
                function: "f",
                field: "http[0].path",
                message: "has a segment \"*\" that other routers read as a pattern"
            ),
            Case(
                name: "a router parameter in the colon form",
                json: function(#""http": [{"path": "/users/:id"}]"#),
                function: "f",
                field: "http[0].path",
                message: "has a segment \":id\" that other routers read as a pattern"
            ),
            Case(
                name: "the same route twice in one function",
                json: function(#""http": [{"path": "/a/{id}"}, {"path": "/a/{id}/", "methods": ["DELETE"]}]"#),
                function: "f",
                field: "http[1].path",
                message: "route \"/a/{id}\" is already served by function \"f\" (http[0] \"/a/{id}\")"
            ),
            // Environment.
            Case(
                name: "a NUL in an environment value",
                json: function(#""environment": {"GREETING": "Hi\u0000there"}"#),
                function: "f",
                field: "environment.GREETING",
                message: "\"Hi\\0there\" must not contain a NUL character"
            ),
            // Commands.
            Case(
                name: "a command that is a directory",
                json: function(#""command": ["/tmp"]"#),
                function: "f",
                field: "command[0]",
                message: "\"/tmp\" is a directory, not an executable"
            ),
            Case(
                name: "a command that does not exist",
                json: function(#""command": ["/no/such/worker"]"#),
                function: "f",
                field: "command[0]",
                message: "\"/no/such/worker\" does not exist"
            ),
            Case(
                name: "a command not on PATH",
                json: function(#""command": ["no-such-worker-anywhere"]"#),
                function: "f",
                field: "command[0]",
                message: "\"no-such-worker-anywhere\" was not found on PATH"
            ),
            Case(
                name: "a command that is not executable",
                json: function(#""command": ["/etc/passwd"]"#),
                function: "f",
                field: "command[0]",
                message: "\"/etc/passwd\" is not executable"
            ),
            Case(
                name: "a NUL in a command's argument",
                json: function(#""command": ["/bin/true", "a\u0000b"]"#),
                function: "f",
                field: "command[1]",
                message: "must not contain a NUL character"
            ),
            Case(
                name: "a NUL in a handler",
                json: function(#""handler": "a\u0000b""#),
                function: "f",
                field: "handler",
                message: "must not contain a NUL character"
            ),
        ]
        // Every variable the invoker sets for workers, one case each.
        + [
            "AWS_LAMBDA_RUNTIME_API", "INVOKER_RUNTIME_FD", "_HANDLER", "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_TIMEOUT",
            "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_REGION", "AWS_DEFAULT_REGION",
            "LAMBDA_TASK_ROOT",
        ].map { name in
            Case(
                name: "the reserved variable \(name)",
                json: function(#""environment": {""# + name + #"": "x"}"#),
                function: "f",
                field: "environment.\(name)",
                message: "is set by the invoker and cannot be overridden"
            )
        }

    @Test("a broken manifest is refused naming the file, the function, the field and the problem", arguments: corpus)
    func refused(_ broken: Case) throws {
        let error = try #require(
            throws: ManifestError.self,
            "\(broken.name) was accepted"
        ) {
            try Manifest.parse(Data(broken.json.utf8), file: "functions.json", directory: "/tmp")
        }
        #expect(error.file == "functions.json")
        #expect(error.function == broken.function, "\(error)")
        #expect(error.field == broken.field, "\(error)")
        #expect(error.message.contains(broken.message), "\(error)")
        #expect(error.description.hasPrefix("functions.json: "))
    }
}
