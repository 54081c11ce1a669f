import Foundation
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// A ``FileWatcher`` run in a child process (`invoker watch-files`, see ``WatchFilesCommand``), for `serve --watch`:
/// its changes arrive here over a pipe. libuv then never runs in the process that spawns and reaps the workers (a
/// process in which a libuv loop had run was seen to leave later worker starts waiting for ever).
///
/// The child's standard input is a socket whose other end only this process holds (close-on-exec, so no worker
/// inherits it): ``stop()`` closes it, and so does this process's death, and either ends the child.
///
/// ```swift
/// let watcher = try await WatchProcess.start(watching: [.directory("Sources"), .file("functions.json")])
/// for await path in watcher.changes { … }
/// await watcher.stop()
/// ```
final class WatchProcess: Sendable {
    /// The changed paths, absolute, in the order they happened; ends when the child ends.
    let changes: AsyncStream<String>
    /// The write end of the child's standard input, until ``stop()`` closes it.
    private let input: Mutex<CInt?>
    /// Runs the child and reads its reports.
    private let reader: Task<Void, Never>

    private init(changes: AsyncStream<String>, input: CInt, reader: Task<Void, Never>) {
        self.changes = changes
        self.input = Mutex(input)
        self.reader = reader
    }

    deinit {
        input.withLock { descriptor in
            if let descriptor { close(descriptor) }
        }
    }

    /// The `invoker` executable that runs this code.
    static var invokerExecutable: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    }

    /// Starts `executable watch-files` on `roots`; returns once every watch is in place.
    ///
    /// - Throws: ``InvokerError`` with the child's own message when it could not watch (a root that does not exist).
    static func start(watching roots: [WatchRoot], executable: String = invokerExecutable) async throws -> WatchProcess
    {
        var descriptors: [CInt] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors) == 0
        else {
            throw InvokerError(.configuration, "cannot start the file watcher: \(String(cString: strerror(errno)))")
        }
        let arguments = roots.flatMap { root -> [String] in
            switch root {
            case .directory(let path): ["--directory", path]
            case .file(let path): ["--file", path]
            }
        }
        let (childInput, ownInput) = (descriptors[0], descriptors[1])
        let (changes, continuation) = AsyncStream.makeStream(of: String.self)
        let readiness = Readiness()
        let reader = Task {
            let outcome: Result<String, any Error>
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(executable)),
                    arguments: Arguments(["watch-files"] + arguments),
                    environment: .inherit,
                    input: .fileDescriptor(FileDescriptor(rawValue: childInput), closeAfterSpawningProcess: true),
                    output: .sequence,
                    error: .string(limit: 64 * 1024)
                ) { execution in
                    var lines = LineSplitter()
                    for try await buffer in execution.standardOutput {
                        buffer.withUnsafeBytes { lines.append($0) }
                        while let line = lines.next() {
                            if line == WatchFilesCommand.readyLine {
                                readiness.resume(with: .success(()))
                            } else if let path = try? JSONDecoder().decode(String.self, from: Data(line.utf8)) {
                                continuation.yield(path)
                            }
                        }
                    }
                }
                outcome = .success("\(result.terminationStatus): \(result.standardError)")
            } catch {
                outcome = .failure(error)
            }
            continuation.finish()
            let reason =
                switch outcome {
                case .success(let ending): "the watcher exited (\(ending))"
                case .failure(let error): "the watcher could not be started: \(error)"
                }
            readiness.resume(with: .failure(InvokerError(.configuration, "cannot watch files: \(reason)")))
        }
        let process = WatchProcess(changes: changes, input: ownInput, reader: reader)
        try await readiness.wait()
        return process
    }

    /// Stops watching: closes the child's input, and returns once the child has exited and ``changes`` ended.
    func stop() async {
        input.withLock { descriptor in
            if let descriptor { close(descriptor) }
            descriptor = nil
        }
        await reader.value
    }
}

/// The first outcome of a watcher's start, for the one caller waiting for it.
private final class Readiness: Sendable {
    private let state = Mutex<(outcome: Result<Void, any Error>?, waiter: CheckedContinuation<Void, any Error>?)>(
        (nil, nil)
    )

    /// Records `outcome` unless one was recorded already, and resumes the waiter.
    func resume(with outcome: Result<Void, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: outcome)
    }

    /// Waits for the outcome.
    func wait() async throws {
        try await withCheckedThrowingContinuation { continuation in
            let outcome = state.withLock { state -> Result<Void, any Error>? in
                if state.outcome == nil { state.waiter = continuation }
                return state.outcome
            }
            if let outcome { continuation.resume(with: outcome) }
        }
    }
}

/// Bytes cut into lines at `\n`.
private struct LineSplitter {
    private var pending: [UInt8] = []

    /// Adds bytes read.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
    }

    /// The next whole line, without its `\n`, or nil until one is complete.
    mutating func next() -> String? {
        guard let end = pending.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        defer { pending.removeSubrange(...end) }
        return String(decoding: pending[..<end], as: UTF8.self)
    }
}
