import Foundation

/// A temporary folder for the file watcher's tests, with helpers to change files in it.
struct WatchedFolder {
    /// The folder's absolute path, free of symbolic links (as the watcher reports paths).
    let path: String

    /// Creates an empty temporary folder.
    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("watch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.resolvingSymlinksInPath().path
    }

    /// The absolute path of `relative` in the folder.
    func callAsFunction(_ relative: String) -> String {
        path + "/" + relative
    }

    /// Writes `contents` to `relative`.
    func write(_ relative: String, _ contents: String = "let x = 1\n") throws {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: self(relative)))
    }

    /// Creates the folder `relative`, and those above it.
    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: self(relative), withIntermediateDirectories: true)
    }

    /// Removes the file or folder `relative`.
    func remove(_ relative: String = "") throws {
        try FileManager.default.removeItem(atPath: relative.isEmpty ? path : self(relative))
    }
}
