import ArgumentParser
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `invoker watch-files` (hidden): the ``FileWatcher`` in a process of its own, for `serve --watch`
/// (``WatchProcess``). It prints `ready` once every watch is in place, then each changed path as a JSON string on a
/// line of its own, and exits when its standard input ends: when the invoker that started it closes the pipe, or
/// dies. So libuv never runs in the process that spawns and reaps the workers.
struct WatchFilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch-files",
        abstract: "Report changes under folders and to files, one JSON string a line (used by serve --watch).",
        shouldDisplay: false
    )

    /// The line printed once every watch is in place.
    static let readyLine = "ready"

    @Option(name: .customLong("directory"), help: "A folder to watch with everything under it.")
    var directories: [String] = []

    @Option(name: .customLong("file"), help: "A single file to watch.")
    var files: [String] = []

    func run() async throws {
        var logger = Logger(label: "invoker-watch")
        logger.logLevel = .warning
        let watcher = try await FileWatcher(
            watching: directories.map(WatchRoot.directory) + files.map(WatchRoot.file),
            logger: logger
        )
        Self.exitWhenInputEnds()
        FileHandle.standardOutput.write(Data((Self.readyLine + "\n").utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        for await path in watcher.changes {
            FileHandle.standardOutput.write(try encoder.encode(path) + Data("\n".utf8))
        }
    }

    /// Ends the process once standard input is closed: the invoker that started it stopped watching, or is gone.
    private static func exitWhenInputEnds() {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(STDIN_FILENO, &buffer, buffer.count) > 0 {}
            Glibc.exit(0)
        }
        thread.name = "invoker-watch-stdin"
        thread.start()
    }
}
