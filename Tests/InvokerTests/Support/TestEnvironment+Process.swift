import Foundation
import Subprocess

@testable import Invoker

#if canImport(System)
import System
#else
import SystemPackage
#endif

extension TestEnvironment {
    /// Sends a signal to a process the test started.
    typealias Signaller = @Sendable (Signal) throws -> Void

    /// Runs the real `invoker serve` on this environment's manifest and databases, as a process on a free port, until
    /// `body` (given the invoker's URL and a way to signal the process) returns and the process ends; returns what
    /// `body` returned and how the process ended.
    /// With `umask` (such as `"000"`), the invoker runs under that file mode creation mask; with `openFiles`, with at
    /// most that many descriptors (soft and hard limit, through `prlimit`). `options` are added to `serve`'s; the
    /// workers run `functionsBinary` (none is named when nil). What the invoker writes to standard error is gathered
    /// in `errors`, when given.
    func serveProcess<Result: Sendable>(
        umask: String? = nil,
        openFiles: Int? = nil,
        options: [String] = [],
        functionsBinary: String? = Self.functionsBinary,
        errors: ProcessOutput? = nil,
        _ body: @escaping @Sendable (_ url: String, _ signal: @escaping Signaller) async throws -> Result
    ) async throws -> (result: Result, status: TerminationStatus) {
        var arguments =
            [
                "serve", "--port", "0", "--manifest", manifestPath, "--db", databasePath, "--log-level", "error",
            ] + (functionsBinary.map { ["--functions-binary", $0] } ?? []) + options
        var executable = Self.invokerBinary
        if let umask {
            arguments = ["-c", "umask \(umask) && exec \"$0\" \"$@\"", executable] + arguments
            executable = "/bin/sh"
        }
        if let openFiles {
            arguments = ["--nofile=\(openFiles):\(openFiles)", "--", executable] + arguments
            executable = "/usr/bin/prlimit"
        }
        let result = try await Subprocess.run(
            .path(FilePath(executable)),
            arguments: Arguments(arguments),
            input: .none,
            output: .sequence,
            error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Read to its end, gathered or not: a full pipe would stall the invoker.
                group.addTask {
                    for try await chunk in execution.standardError.strings() { errors?.append(chunk) }
                }
                var lines = execution.standardOutput.strings().makeAsyncIterator()
                do {
                    guard let banner = try await lines.next(),
                        let url = banner.split(separator: " ").last.map(String.init)
                    else { throw InvokerError(.configuration, "the invoker printed no banner: \(errors?.text ?? "")") }
                    let result = try await body(url.trimmingCharacters(in: .whitespacesAndNewlines)) {
                        try execution.send(signal: $0)
                    }
                    try await group.waitForAll()
                    return result
                } catch {
                    // The process must end for its standard error to end.
                    try? execution.send(signal: .kill)
                    throw error
                }
            }
        }
        return (result.closureResult, result.terminationStatus)
    }
}
