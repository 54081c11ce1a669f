import Foundation
import Logging
import Testing

@testable import Invoker

#if canImport(Glibc)
import Glibc
#endif

/// The libuv file watcher behind `serve --watch`, on real files in a temporary folder. Serialized: one test counts the
/// process's inotify descriptors.
@Suite("File watcher", .serialized)
struct FileWatcherTests {
    @Test("a new file in a watched folder is reported by its absolute path")
    func newFile() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        try await WatchProcess.watching([.directory(folder.path)]) { _, reported in
            try folder.write("Hello.swift")
            #expect(try await reported.waitFor(folder("Hello.swift")))
        }
    }

    @Test("files saved by renaming a temporary file over them are reported, again and again; their folder's others not")
    func renameOverSave() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        try folder.makeDirectory("Sources")
        let files = [folder("functions.json"), folder("Package.swift")]
        for file in files { try folder.write((file as NSString).lastPathComponent) }
        try await WatchProcess.watching(files.map(WatchRoot.file) + [.directory(folder("Sources"))]) { _, reported in
            for save in 1...3 {
                let seen = files.map { file in reported.all.count { $0 == file } }
                try folder.write("notes.txt")
                for file in files {
                    try Data("saved \(save)".utf8).write(to: URL(fileURLWithPath: file + ".tmp"))
                    #expect(rename(file + ".tmp", file) == 0)
                }
                // One inotify queue keeps events in order: once this file is reported, so are the renames.
                try folder.write("Sources/Save\(save).swift")
                #expect(try await reported.waitFor(folder("Sources/Save\(save).swift")))
                #expect(files.map { file in reported.all.count { $0 == file } }.elementsEqual(seen, by: >))
            }
            let expected = Set(files + (1...3).map { folder("Sources/Save\($0).swift") })
            #expect(Set(reported.all) == expected)
        }
    }

    @Test("a folder created after the start is watched: a file in it is reported, and so is one in a nested folder")
    func newFolders() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        try await WatchProcess.watching([.directory(folder.path)]) { _, reported in
            try folder.makeDirectory("Greet")
            #expect(try await reported.waitFor(folder("Greet")))
            try folder.write("Greet/Greet.swift")
            #expect(try await reported.waitFor(folder("Greet/Greet.swift")))
            // Created at once: the nested file may exist before the new folders are watched, and is reported anyway.
            try folder.makeDirectory("A/B/C")
            try folder.write("A/B/C/Deep.swift")
            #expect(try await reported.waitFor(folder("A/B/C/Deep.swift")))
            try folder.write("A/B/C/Deeper.swift")
            #expect(try await reported.waitFor(folder("A/B/C/Deeper.swift")))
        }
    }

    @Test("a removed folder's watch is dropped, and a new folder of the same name is watched")
    func removedFolder() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        try folder.makeDirectory("Old/Inner")
        try folder.write("Old/Inner/Old.swift")
        try await WatchProcess.watching([.directory(folder.path)]) { _, reported in
            try folder.remove("Old")
            #expect(try await reported.waitFor(folder("Old")))
            try folder.makeDirectory("Old")
            #expect(try await reported.waitUntil { $0.filter { $0 == folder("Old") }.count >= 2 })
            try folder.write("Old/New.swift")
            #expect(try await reported.waitFor(folder("Old/New.swift")))
            try folder.makeDirectory("Old/Inner")
            try folder.write("Old/Inner/Newer.swift")
            #expect(try await reported.waitFor(folder("Old/Inner/Newer.swift")))
        }
    }

    @Test("editors' noise and hidden folders are not reported")
    func ignoredNames() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        try folder.makeDirectory(".build/debug")
        try folder.makeDirectory("Sources")
        try await WatchProcess.watching([.directory(folder.path)]) { _, reported in
            for name in [".main.swift.swp", "main.swift~", "main.swift.swp", "#main.swift#", "4913", ".invoker"] {
                try folder.write(name)
            }
            try folder.write(".build/debug/Functions")
            try folder.makeDirectory(".git/objects")
            try folder.write("Sources/main.swift___jb_tmp___")
            // Events come in order: once the last file is reported, any noise would have been.
            try folder.write("Sources/main.swift")
            #expect(try await reported.waitFor(folder("Sources/main.swift")))
            #expect(reported.all.allSatisfy { $0 == folder("Sources/main.swift") }, "\(reported.all)")
        }
    }

    @Test("a burst of 50 writes within the quiet period makes one settled change set")
    func burst() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        let watcher = try await WatchProcess.start(
            watching: [.directory(folder.path)],
            executable: TestEnvironment.invokerBinary
        )
        let sets = ReportedChanges()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                // A quiet period far above the burst's length, so that a busy machine that delivers the burst's
                // events in pieces still settles them once.
                try await ChangeDebouncer(quietPeriod: .seconds(2)).forEachSettledSet(of: watcher.changes) { paths in
                    sets.append(paths.sorted().joined(separator: "\n"))
                }
            }
            for index in 0..<50 { try folder.write("File\(index % 10).swift", "let x = \(index)\n") }
            #expect(try await sets.waitUntil { !$0.isEmpty })
            await watcher.stop()
        }
        let expected = (0..<10).map { folder("File\($0).swift") }.sorted().joined(separator: "\n")
        #expect(sets.all == [expected])
    }

    #if os(Linux)
    @Test("the watcher runs in a process of its own: this one gets no inotify descriptor and keeps its SIGCHLD action")
    func ownProcess() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        let descriptors = try Self.inotifyDescriptors()
        let action = try Self.sigchldAction()
        let watcher = try await WatchProcess.start(
            watching: [.directory(folder.path)],
            executable: TestEnvironment.invokerBinary
        )
        #expect(try Self.inotifyDescriptors() == descriptors)
        #expect(try Self.sigchldAction() == action)
        await watcher.stop()
    }

    @Test("stopping ends the stream and the watcher's process; stopping again is harmless")
    func stop() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        try folder.makeDirectory("A/B")
        let watcher = try await WatchProcess.start(
            watching: [.directory(folder.path)],
            executable: TestEnvironment.invokerBinary
        )
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask {
                for await _ in watcher.changes {}
            }
            await watcher.stop()
        }
        await watcher.stop()
    }
    #endif

    @Test("a root that does not exist is an error naming it")
    func missingRoot() async throws {
        let folder = try WatchedFolder()
        defer { try? folder.remove() }
        for root in [WatchRoot.directory(folder("Sources")), .file(folder("Package.swift"))] {
            let error = await #expect(throws: InvokerError.self) {
                _ = try await WatchProcess.start(
                    watching: [.directory(folder.path), root],
                    executable: TestEnvironment.invokerBinary
                )
            }
            #expect(error?.message.contains(folder.path) == true, "\(String(describing: error))")
        }
    }

    #if os(Linux)
    /// How many inotify instances the process has open.
    private static func inotifyDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count { descriptor in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + descriptor))
                == "anon_inode:inotify"
        }
    }

    /// The process's action for `SIGCHLD`: its handler (as bytes) and flags.
    private static func sigchldAction() throws -> [UInt8] {
        var action = sigaction()
        try #require(sigaction(SIGCHLD, nil, &action) == 0)
        let handler = withUnsafeBytes(of: action.__sigaction_handler) { Array($0) }
        return handler + withUnsafeBytes(of: action.sa_flags) { Array($0) }
    }
    #endif
}
