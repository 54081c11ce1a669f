import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// `swift build --product Functions` for a package, into the build folder of one configuration: how the invoker
/// builds the worker binary when it is stale at start, and at every source change under `serve --watch`. The
/// build's output goes to the invoker's standard error as it runs.
struct FunctionsBuild: Sendable {
    /// The package's folder (with `Package.swift`).
    let package: URL
    /// The folder the binary is built into, such as `.build/debug`.
    let binaryDirectory: URL

    /// The binary the build writes.
    var binary: String {
        binaryDirectory.appendingPathComponent("Functions").path
    }

    /// The arguments of `swift`: the configuration and scratch path that `binaryDirectory` names (`release` when
    /// its last component says so, else `debug`; the scratch path is the `.build…` folder above it).
    var arguments: [String] {
        let components = binaryDirectory.pathComponents
        var arguments = ["build", "--product", "Functions", "--configuration", Self.configuration(of: binaryDirectory)]
        if let scratch = components.lastIndex(where: { $0.hasPrefix(".build") }) {
            arguments += ["--scratch-path", NSString.path(withComponents: Array(components[...scratch]))]
        }
        return arguments
    }

    /// The build configuration whose products are in `directory`: `release` when its last component says so, else
    /// `debug`.
    static func configuration(of directory: URL) -> String {
        directory.lastPathComponent == "release" ? "release" : "debug"
    }

    /// Runs the build, its output shown on standard error; returns how long it took.
    ///
    /// - Throws: ``InvokerError`` when the build fails (the compiler's messages were shown above it).
    @discardableResult
    func run() async throws -> Duration {
        let started = ContinuousClock.now
        FileHandle.standardError.write(
            Data("invoker: building the Functions worker binary (swift \(arguments.joined(separator: " ")))\n".utf8)
        )
        let result = try await Subprocess.run(
            .name("swift"),
            arguments: Arguments(arguments),
            workingDirectory: FilePath(package.path),
            output: .fileDescriptor(.standardError, closeAfterSpawningProcess: false),
            error: .fileDescriptor(.standardError, closeAfterSpawningProcess: false)
        )
        guard result.terminationStatus.isSuccess else {
            throw InvokerError(
                .configuration,
                "building the Functions worker binary failed (\(result.terminationStatus))"
            )
        }
        return ContinuousClock.now - started
    }
}
