import ArgumentParser
import Foundation

/// `invoker new`: adds a function to a functions package from a template of its kind, registered and in the manifest,
/// ready to build and serve.
///
/// ```
/// invoker new order-created
/// invoker new resize --kind queue --package ~/my-functions
/// ```
struct NewCommand: ParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Add a function to the package from a template.",
        discussion: """
            Writes Sources/Functions/<TypeName>.swift (the name in UpperCamelCase) from a template of the kind, \
            registers it in Sources/Functions/main.swift and adds it to the manifest: an HTTP route /NAME for \
            http, a queue NAME for queue, no trigger for json (invoked through /function/NAME and the Invoke \
            API). It writes nothing when the name is taken, invalid, or the folder is not a functions package.
            """
    )

    /// The function's name.
    @Argument(help: "The function's name: 1 to 64 letters, digits, '-' or '_', starting with a letter.")
    var name: String

    /// The function's kind.
    @Option(help: ArgumentHelp("The kind of handler and trigger.", valueName: "http|json|queue"))
    var kind: FunctionKind = .http

    /// The package's folder.
    @Option(name: .customLong("package"), help: ArgumentHelp("The package's folder.", valueName: "dir"))
    var packageDirectory = "."

    /// The manifest, if not the package's `functions.json`.
    @Option(help: "The manifest to add the function to (default: functions.json in the package).")
    var manifest: String?

    /// Writes the function and prints what it wrote and what to do next.
    func run() throws {
        let scaffold = Scaffold(
            name: try FunctionName(name),
            kind: kind,
            package: packageDirectory,
            manifest: manifest
        )
        try Scaffold.write(try scaffold.changes())
        print(Self.summary(of: scaffold))
    }

    /// What `scaffold` wrote, and the next step.
    static func summary(of scaffold: Scaffold) -> String {
        let name = scaffold.name
        let trigger: String
        let tryIt: String
        switch scaffold.kind {
        case .http:
            trigger = "route GET, POST /\(name.name)"
            tryIt = "curl localhost:8080/\(name.name)"
        case .json:
            trigger = "no trigger: POST /function/\(name.name) or the Invoke API"
            tryIt = "curl localhost:8080/function/\(name.name) -d '{\"name\":\"Ada\"}'"
        case .queue:
            trigger = "queue \"\(name.name)\""
            tryIt = "curl localhost:8080/queue/\(name.name) -d 'a message', then invoker logs"
        }
        let rows = [
            ["wrote", scaffold.handlerPath, "struct \(name.typeName): \(scaffold.kind.handlerProtocol)"],
            ["registered", scaffold.mainPath, RegistryEditor.registration(name)],
            ["added", scaffold.manifestPath, "function \"\(name.name)\", \(trigger)"],
        ]
        return """
            \(AlignedTable.text(rows[0], Array(rows.dropFirst())))

            Next: swift build --product Functions, then invoker serve, and try: \(tryIt)
            (Under invoker serve --watch there is nothing to do: it rebuilds and serves the new function itself.)
            """
    }
}

extension FunctionKind: ExpressibleByArgument {}
