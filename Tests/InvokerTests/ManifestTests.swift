import Foundation
import Testing

@testable import Invoker

@Suite("Manifest")
struct ManifestTests {
    private func parse(_ json: String) throws -> Manifest {
        try Manifest.parse(Data(json.utf8), file: "functions.json", directory: "/tmp")
    }

    private func manifestError(_ json: String) -> ManifestError? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error as? ManifestError
        }
    }

    @Test("a complete function is read with its values, and defaults fill what it leaves out")
    func readsFunctions() throws {
        let manifest = try parse(
            """
            {"functions": {
              "hello": {"handler": "hello", "http": [{"path": "/hello", "methods": ["get", "POST"]}], "timeout": 2.5,
                        "memory": 256, "scaling": {"min": 1, "max": 3, "idleTimeout": 10, "maxQueue": 5},
                        "environment": {"GREETING": "Hi"}},
              "resize": {"queue": {"name": "images", "batchSize": 5}, "timeout": 20}
            }}
            """
        )
        let hello = try #require(manifest["hello"])
        #expect(hello.routes == [.init(path: "/hello", methods: ["GET", "POST"])])
        #expect(hello.timeout == .milliseconds(2500))
        #expect(hello.memoryMB == 256)
        #expect(hello.scaling == .init(min: 1, max: 3, idleTimeout: .seconds(10), maxQueue: 5))
        #expect(hello.environment == ["GREETING": "Hi"])
        let resize = try #require(manifest["resize"])
        #expect(resize.handler == "resize")
        #expect(resize.timeout == .seconds(20))
        #expect(resize.memoryMB == 128)
        #expect(resize.queue == .init(name: "images", batchSize: 5, maxRetries: 3, visibilityTimeout: .seconds(30)))
        #expect(manifest.functions.map(\.name) == ["hello", "resize"])
    }

    @Test(
        "every error names the file, the function and the field, with the bad value",
        arguments: [
            (#"{"functions": {"f": {"timeout": -1}}}"#, "f", "timeout", "got -1"),
            (#"{"functions": {"f": {"timeout": "3"}}}"#, "f", "timeout", "must be a number of seconds, got \"3\""),
            (#"{"functions": {"f": {"memory": 1.5}}}"#, "f", "memory", "whole number, got 1.5"),
            (#"{"functions": {"f": {"concurrency": 0}}}"#, "f", "concurrency", "got 0"),
            (#"{"functions": {"f": {"concurrency": 1001}}}"#, "f", "concurrency", "got 1001"),
            (#"{"functions": {"f": {"handlr": "f"}}}"#, "f", "handlr", "did you mean \"handler\""),
            (#"{"functions": {"f": {"scaling": {"min": 3, "max": 2}}}}"#, "f", "scaling.min", "must not exceed max"),
            (#"{"functions": {"f": {"scaling": {"maximum": 2}}}}"#, "f", "scaling.maximum", "unknown field"),
            (#"{"functions": {"f": {"http": [{"path": "hello"}]}}}"#, "f", "http[0].path", "must start with"),
            (
                #"{"functions": {"f": {"http": [{"path": "/a", "methods": ["FETCH"]}]}}}"#, "f", "http[0].methods[0]",
                "\"FETCH\" is not an HTTP method"
            ),
            (#"{"functions": {"f": {"http": [{"path": "/system/x"}]}}}"#, "f", "http[0].path", "serves itself"),
            (#"{"functions": {"f": {"http": [{"path": "/a/{p+}/b"}]}}}"#, "f", "http[0].path", "not the last"),
            (
                #"{"functions": {"f": {"environment": {"_HANDLER": "x"}}}}"#, "f", "environment._HANDLER",
                "cannot be overridden"
            ),
            (#"{"functions": {"f": {"environment": {"N": 1}}}}"#, "f", "environment.N", "must be a string, got 1"),
            (#"{"functions": {"f": {"command": []}}}"#, "f", "command", "must name an executable"),
            (#"{"functions": {"f": {"workingDirectory": "no/such/dir"}}}"#, "f", "workingDirectory", "not a directory"),
            (#"{"functions": {"f": {"queue": {"batchSize": 2}}}}"#, "f", "queue.name", "is missing"),
            (
                #"{"functions": {"f": {"timeout": 60, "queue": {"name": "q", "visibilityTimeout": 30}}}}"#, "f",
                "queue.visibilityTimeout", "at least the function's timeout"
            ),
        ]
    )
    func errorsNameTheField(json: String, function: String, field: String, message: String) throws {
        let error = try #require(manifestError(json))
        #expect(error.file == "functions.json")
        #expect(error.function == function)
        #expect(error.field == field)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.hasPrefix("functions.json: function \"\(function)\", field \"\(field)\": "))
    }

    @Test("two functions may not serve the same route or consume the same queue")
    func duplicates() throws {
        let route = try #require(
            manifestError(
                #"{"functions": {"a": {"http": [{"path": "/x/{id}"}]}, "b": {"http": [{"path": "/x/{name}", "methods": ["GET"]}]}}}"#
            )
        )
        #expect(route.function == "b")
        #expect(route.field == "http[0].path")
        #expect(route.message.contains("already served by function \"a\""))
        #expect(
            manifestError(
                #"{"functions": {"a": {"http": [{"path": "/x", "methods": ["GET"]}]}, "b": {"http": [{"path": "/x", "methods": ["POST"]}]}}}"#
            )
                == nil
        )
        let queue = try #require(
            manifestError(#"{"functions": {"a": {"queue": {"name": "q"}}, "b": {"queue": {"name": "q"}}}}"#)
        )
        #expect(queue.function == "b")
        #expect(queue.message.contains("already consumed by function \"a\""))
    }

    @Test("routes the router can hold side by side are accepted")
    func compatibleRoutes() throws {
        let manifest = try parse(
            """
            {"functions": {
              "a": {"http": [{"path": "/users/{id}", "methods": ["GET"]}, {"path": "/users/me"},
                             {"path": "/files/{path+}", "methods": ["GET"]}, {"path": "/"}]},
              "b": {"http": [{"path": "/users/{id}", "methods": ["delete"]}, {"path": "/users/{id}/posts"},
                             {"path": "/files/{key+}", "methods": ["PUT"]}, {"path": "/{page}"}]}
            }}
            """
        )
        #expect(manifest["b"]?.routes.first == .init(path: "/users/{id}", methods: ["DELETE"]))
    }

    @Test("5,000 routes side by side are read and checked in well under a second")
    func manyRoutes() throws {
        let routes = (0..<2_500).map { #"{"path": "/r\#($0)"}, {"path": "/r\#($0)/{id}", "methods": ["GET"]}"# }
        let json = #"{"functions": {"f": {"http": ["# + routes.joined(separator: ", ") + "]}}}"
        let clock = ContinuousClock()
        var manifest: Manifest?
        let elapsed = try clock.measure { manifest = try parse(json) }
        #expect(manifest?.functions.first?.routes.count == 5_000)
        #expect(elapsed < .seconds(1), "\(elapsed)")
    }

    @Test(
        "limits.openFiles may not exceed the invoker's hard limit on open files",
        .enabled(if: (FunctionDefinition.Limits.openFilesHardLimit() ?? .max) < 1_048_576)
    )
    func openFilesLimit() throws {
        let hardLimit = try #require(FunctionDefinition.Limits.openFilesHardLimit())
        let error = try #require(
            manifestError(#"{"functions": {"f": {"limits": {"openFiles": \#(hardLimit + 1)}}}}"#)
        )
        #expect(error.function == "f" && error.field == "limits.openFiles")
        #expect(
            error.message
                == "must not exceed the invoker's hard limit on open files (RLIMIT_NOFILE \(hardLimit)), got \(hardLimit + 1)"
        )
        #expect(manifestError(#"{"functions": {"f": {"limits": {"openFiles": \#(hardLimit)}}}}"#) == nil)
    }

    @Test("problems with the whole file name the file")
    func fileProblems() throws {
        let syntax = try #require(manifestError(#"{"functions": {"a": {}}} x"#))
        #expect(syntax.description.hasPrefix("functions.json: is not valid JSON"))
        #expect(syntax.message.hasSuffix("(line 1, column 26)"))
        #expect(manifestError(#"{"function": {}}"#)?.message.contains("did you mean \"functions\"") == true)
        #expect(manifestError(#"{"functions": {}}"#)?.message == "defines no function")
        #expect(manifestError(#"{"functions": {"bad name": {}}}"#)?.function == "bad name")
        #expect(throws: ManifestError.self) { try Manifest.load(path: "/no/such/functions.json") }
    }

    @Test("a handler the worker binary does not provide is named with the ones it does")
    func unknownHandler() throws {
        let manifest = try parse(#"{"functions": {"a": {"handler": "nope"}, "b": {"command": ["/bin/true"]}}}"#)
        #expect(throws: Never.self) { try manifest.validateHandlers(available: ["nope"]) }
        #expect {
            try manifest.validateHandlers(available: ["hello", "echo"])
        } throws: { error in
            let error = error as? ManifestError
            return error?.function == "a" && error?.field == "handler"
                && error?.message.contains("has no handler \"nope\"; it provides: echo, hello") == true
        }
    }

    @Test("the example manifest in the repository is valid")
    func exampleManifest() throws {
        let manifest = try Manifest.load(path: "functions.json")
        #expect(!manifest.functions.isEmpty)
    }
}
