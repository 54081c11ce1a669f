import Foundation
import Subprocess
import Testing

@testable import Invoker

/// `invoker new`: names, the edits of `main.swift` and the manifest, and the refusals that leave every file as it was.
@Suite("invoker new")
struct ScaffoldTests {
    @Test(
        "the type name is the name in UpperCamelCase",
        arguments: [
            ("order-created", "OrderCreated"), ("hello", "Hello"), ("resize_v2", "ResizeV2"), ("a--b", "AB"),
            ("camelCase", "CamelCase"),
        ]
    )
    func typeName(name: String, typeName: String) throws {
        #expect(try FunctionName(name).typeName == typeName)
    }

    @Test(
        "an invalid name is refused",
        arguments: [
            "", "9lives", "-x", "_x", "has space", "naïve", String(repeating: "a", count: 65), "any", "context",
        ]
    )
    func invalidName(name: String) {
        do {
            _ = try FunctionName(name)
            Issue.record("\(name.debugDescription) was accepted")
        } catch let error as ScaffoldError {
            #expect(error.code == .invalidName)
            #expect(error.message.contains(name.debugDescription), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the registration goes after the last one, every other byte unchanged")
    func registration() throws {
        let main = """
            import Runtime

            var registry = FunctionRegistry()
            registry.register("hello", Hello())
            registry.register("echo", Echo())

            await registry.run()

            """
        let edited = try RegistryEditor(text: main).inserting(try FunctionName("order-created"))
        #expect(
            edited
                == main.replacingOccurrences(
                    of: "Echo())\n",
                    with: "Echo())\nregistry.register(\"order-created\", OrderCreated())\n"
                )
        )
        #expect(RegistryEditor(text: main).registers("echo"))
        #expect(!RegistryEditor(text: main).registers("order-created"))
    }

    @Test("a registration after a closure spread over several lines goes after its last line, indented like it")
    func registrationAfterClosure() throws {
        let main = """
            import Runtime

            func main() async {
                var functions = FunctionRegistry()
                functions.register("shout") { (text: String, context: Context) in
                    "\\(text.uppercased()) (})"  // a brace in a string and in a comment: {
                }
                await functions.run()
            }
            """
        let edited = try RegistryEditor(text: main).inserting(try FunctionName("resize"))
        #expect(
            edited
                == main.replacingOccurrences(
                    of: "    }\n    await",
                    with: "    }\n    functions.register(\"resize\", Resize())\n    await"
                )
        )
    }

    @Test("in a main.swift that registers nothing yet, the registration goes before run(); Windows line ends stay")
    func registrationBeforeRun() throws {
        let main = "import Runtime\r\n\r\nvar registry = FunctionRegistry()\r\nawait registry.run()\r\n"
        let edited = try RegistryEditor(text: main).inserting(try FunctionName("hello"))
        #expect(
            edited
                == "import Runtime\r\n\r\nvar registry = FunctionRegistry()\r\nregistry.register(\"hello\", Hello())\r\n"
                + "await registry.run()\r\n"
        )
        #expect(throws: ScaffoldError.self) { try RegistryEditor(text: "print(1)\n").inserting(try FunctionName("a")) }
    }

    @Test("the manifest entry goes after the last function, indented like it, every other byte unchanged")
    func manifestEntry() throws {
        let manifest = try String(
            contentsOf: ScaffoldPackage.repositoryRoot.appendingPathComponent("functions.json"),
            encoding: .utf8
        )
        let tail = "\n  }\n}\n"
        try #require(manifest.hasSuffix("    }" + tail))
        let edited = try ManifestEditor(text: manifest).inserting(
            "resize",
            members: [("handler", #""resize""#), ("queue", #"{ "name": "resize" }"#)]
        )
        let entry = """
            ,
                "resize": {
                  "handler": "resize",
                  "queue": { "name": "resize" }
                }
            """
        #expect(edited == String(manifest.dropLast(tail.count)) + entry + tail)
    }

    @Test(
        "a manifest keeps its own indentation, or stays on one line",
        arguments: [
            (
                "{\n\t\"functions\": {\n\t\t\"a\": {\n\t\t\t\"handler\": \"a\"\n\t\t}\n\t}\n}",
                "{\n\t\"functions\": {\n\t\t\"a\": {\n\t\t\t\"handler\": \"a\"\n\t\t},\n\t\t\"b\": {\n\t\t\t\"handler\": \"b\"\n\t\t}\n\t}\n}"
            ),
            (
                #"{"functions":{"a":{"handler":"a","http":[{"path":"/a"}]}}}"#,
                #"{"functions":{"a":{"handler":"a","http":[{"path":"/a"}]}, "b": { "handler": "b" }}}"#
            ),
            (
                "{ \"functions\": {\n    \"a\": { \"handler\": \"a\" } } }",
                "{ \"functions\": {\n    \"a\": { \"handler\": \"a\" },\n    \"b\": {\n      \"handler\": \"b\"\n    } } }"
            ),
        ]
    )
    func manifestFormatting(manifest: String, expected: String) throws {
        #expect(try ManifestEditor(text: manifest).inserting("b", members: [("handler", #""b""#)]) == expected)
    }

    @Test("one function of each kind: its file, its registration and its manifest entry")
    func eachKind() throws {
        let package = try ScaffoldPackage.examples()
        defer { package.remove() }
        let main = try package.read("Sources/Functions/main.swift")
        let manifest = try package.read("functions.json")
        try package.new(["order-created"])
        try package.new(["thumbnail", "--kind", "queue"])
        try package.new(["total", "--kind", "json"])

        #expect(try package.read("Sources/Functions/OrderCreated.swift").contains("struct OrderCreated: HTTPHandler {"))
        #expect(try package.read("Sources/Functions/Thumbnail.swift").contains("struct Thumbnail: QueueHandler {"))
        #expect(try package.read("Sources/Functions/Total.swift").contains("struct Total: Handler {"))
        let registrations = """
            registry.register("wordcount", WordCount())
            registry.register("order-created", OrderCreated())
            registry.register("thumbnail", Thumbnail())
            registry.register("total", Total())

            """
        let expectedMain = main.replacingOccurrences(
            of: "registry.register(\"wordcount\", WordCount())\n",
            with: registrations
        )
        #expect(try package.read("Sources/Functions/main.swift") == expectedMain)

        let edited = try package.read("functions.json")
        let tail = "\n  }\n}\n"
        #expect(edited.hasPrefix(String(manifest.dropLast(tail.count)) + ",\n    \"order-created\": {\n"), "\(edited)")
        #expect(edited.hasSuffix("\"total\": {\n      \"handler\": \"total\"\n    }" + tail), "\(edited)")
        let loaded = try Manifest.load(path: package.directory.appendingPathComponent("functions.json").path)
        let http = try #require(loaded["order-created"])
        #expect(http.handler == "order-created" && http.routes.map(\.path) == ["/order-created"] && http.queue == nil)
        let queue = try #require(loaded["thumbnail"])
        #expect(queue.handler == "thumbnail" && queue.routes.isEmpty && queue.queue?.name == "thumbnail")
        let json = try #require(loaded["total"])
        #expect(json.handler == "total" && json.routes.isEmpty && json.queue == nil)
        let before = try Manifest.parse(Data(manifest.utf8), file: "functions.json", directory: "/")
        #expect(loaded.functions.count == before.functions.count + 3)
    }

    /// A refusal: what to change in the package first, the arguments, and the error's code and part of its message.
    struct Refusal: Sendable, CustomTestStringConvertible {
        var label: String
        var setUp: @Sendable (ScaffoldPackage) throws -> Void = { _ in }
        var arguments: [String]
        var code: ScaffoldError.Code
        var message: String

        var testDescription: String { label }
    }

    static let refusals: [Refusal] = [
        Refusal(label: "a name in the manifest", arguments: ["hello"], code: .nameTaken, message: "already defines"),
        Refusal(
            label: "a name registered in main.swift",
            setUp: { try $0.write("Sources/Functions/main.swift", "registry.register(\"resize\", Hello())\n") },
            arguments: ["resize"],
            code: .nameTaken,
            message: "already registers a handler \"resize\""
        ),
        Refusal(
            label: "an existing file",
            setUp: { try $0.write("Sources/Functions/Resize.swift", "// mine\n") },
            arguments: ["resize"],
            code: .nameTaken,
            message: "Resize.swift already exists"
        ),
        Refusal(
            label: "a type declared in another file",
            setUp: { try $0.write("Sources/Functions/Images.swift", "enum Resize {}\n") },
            arguments: ["resize"],
            code: .nameTaken,
            message: "Images.swift already declares a type Resize"
        ),
        Refusal(
            label: "an invalid name",
            arguments: ["9lives"],
            code: .invalidName,
            message: "must start with a letter"
        ),
        Refusal(
            label: "a route the invoker reserves",
            arguments: ["function"],
            code: .invalidManifest,
            message: "which the invoker serves itself"
        ),
        Refusal(
            label: "a queue another function consumes",
            arguments: ["words", "--kind", "queue"],
            code: .invalidManifest,
            message: "already consumed by function \"wordcount\""
        ),
        Refusal(
            label: "a folder without Package.swift",
            setUp: { try FileManager.default.removeItem(at: $0.directory.appendingPathComponent("Package.swift")) },
            arguments: ["resize"],
            code: .notAPackage,
            message: "Package.swift is missing"
        ),
        Refusal(
            label: "an invalid manifest",
            setUp: { try $0.write("functions.json", "{\"functions\": {}}") },
            arguments: ["resize"],
            code: .invalidManifest,
            message: "defines no function"
        ),
        Refusal(
            label: "a main.swift with nothing to add beside",
            setUp: { try $0.write("Sources/Functions/main.swift", "print(1)\n") },
            arguments: ["resize"],
            code: .unrecognizedMain,
            message: "registry.run()"
        ),
    ]

    @Test("a refusal writes nothing", arguments: refusals)
    func refusal(_ refusal: Refusal) throws {
        let package = try ScaffoldPackage.examples()
        defer { package.remove() }
        try refusal.setUp(package)
        let before = try package.snapshot()
        do {
            try package.new(refusal.arguments)
            Issue.record("invoker new \(refusal.arguments) succeeded")
        } catch let error as ScaffoldError {
            #expect(error.code == refusal.code)
            #expect(error.message.contains(refusal.message), "\(error.message)")
        }
        #expect(try package.snapshot() == before)
    }

    @Test("as a process: prints what it wrote and the next step; a refusal exits non-zero with the reason")
    func process() async throws {
        let package = try ScaffoldPackage.examples()
        defer { package.remove() }
        let created = try await package.newProcess(["order-created", "--kind", "http"])
        #expect(created.status == .exited(0), "\(created.error)")
        #expect(created.output.contains("Sources/Functions/OrderCreated.swift"), "\(created.output)")
        #expect(created.output.contains("registry.register(\"order-created\", OrderCreated())"))
        #expect(created.output.contains("route GET, POST /order-created"))
        #expect(created.output.contains("Next: swift build --product Functions"))

        let before = try package.snapshot()
        let refused = try await package.newProcess(["order-created"])
        #expect(refused.status != .exited(0))
        #expect(refused.error.contains("already defines function \"order-created\""), "\(refused.error)")
        #expect(try package.snapshot() == before)
    }
}
