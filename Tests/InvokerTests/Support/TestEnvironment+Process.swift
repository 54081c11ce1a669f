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
    /// most that many descriptors (soft and hard limit, through `prlimit`). `options` are added to `serve`'s.
    func serveProcess<Result: Sendable>(
        umask: String? = nil,
        openFiles: Int? = nil,
        options: [String] = [],
        _ body: @escaping @Sendable (_ url: String, _ signal: @escaping Signaller) async throws -> Result
    ) async throws -> (result: Result, status: TerminationStatus) {
        var arguments =
            [
                "serve", "--port", "0", "--manifest", manifestPath, "--db", databasePath,
                "--functions-binary", Self.functionsBinary, "--log-level", "error",
            ] + options
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
            error: .discarded
        ) { execution in
            var lines = execution.standardOutput.strings().makeAsyncIterator()
            guard let banner = try await lines.next(), let url = banner.split(separator: " ").last.map(String.init)
            else { throw InvokerError(.configuration, "the invoker printed no banner") }
            return try await body(url.trimmingCharacters(in: .whitespacesAndNewlines)) {
                try execution.send(signal: $0)
            }
        }
        return (result.closureResult, result.terminationStatus)
    }
}
