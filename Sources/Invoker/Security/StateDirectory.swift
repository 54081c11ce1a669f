import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The invoker's private state: the `.invoker` folder beside the manifest, with the invocation log, the queue
/// database and the generated admin key.
///
/// Workers run user code under other user ids, so none of it may be readable by them: the folder is `0700` and every
/// file the invoker writes there `0600`, whatever the umask. This type is the one place that decides it.
///
/// ```swift
/// let state = try StateDirectory(beside: "functions.json").prepare(logger: logger)
/// try StateDirectory.preparePrivateFile(at: state.path + "/queue.sqlite")
/// ```
struct StateDirectory: Sendable {
    /// The folder's name, beside the manifest.
    static let name = ".invoker"
    /// The permissions of the folder: only its owner may list, enter or change it.
    static let directoryMode: mode_t = 0o700
    /// The permissions of every file in it: only its owner may read or write it.
    static let fileMode: mode_t = 0o600
    /// The files SQLite keeps beside a database, which hold its data too.
    static let sqliteCompanions = ["-wal", "-shm", "-journal"]

    /// The folder's path.
    let path: String

    /// The state folder of the manifest at `manifestPath`.
    init(beside manifestPath: String) {
        path = URL(fileURLWithPath: manifestPath).deletingLastPathComponent().appendingPathComponent(Self.name).path
    }

    /// The path of the file `name` in the folder.
    func file(_ name: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(name).path
    }

    /// Creates the folder `0700`, or tightens an existing one that others could enter, with a warning; returns self.
    @discardableResult
    func prepare(logger: Logger) throws -> StateDirectory {
        if try Self.makePrivateDirectory(at: path) {
            logger.warning(
                "The state directory was readable by other users; it is now 0700",
                metadata: [LogKey.path: "\(path)"]
            )
        }
        return self
    }

    /// Makes `path` a database (or any other) file only its owner can read: creates missing parent folders `0700`,
    /// creates the file `0600` when missing and sets `0600` on it and on SQLite's `-wal`, `-shm` and `-journal` files
    /// beside it (SQLite gives the ones it creates later the database file's permissions).
    static func preparePrivateFile(at path: String) throws {
        try makeParents(of: path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw error("cannot create", path) }
        defer { close(descriptor) }
        guard fchmod(descriptor, fileMode) == 0 else { throw error("cannot set the permissions of", path) }
        for suffix in sqliteCompanions where chmod(path + suffix, fileMode) != 0 && errno != ENOENT {
            throw error("cannot set the permissions of", path + suffix)
        }
    }

    /// Replaces the file at `path` with `contents`, readable by its owner only: written to a `0600` temporary file
    /// beside it, then renamed over it, so it is never readable by others, not even for a moment.
    static func writePrivateFile(at path: String, contents: String) throws {
        try makeParents(of: path)
        let temporary = path + ".\(getpid()).tmp"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw error("cannot create", temporary) }
        var succeeded = false
        defer {
            close(descriptor)
            if !succeeded { unlink(temporary) }
        }
        guard fchmod(descriptor, fileMode) == 0 else { throw error("cannot set the permissions of", temporary) }
        let bytes = Array(contents.utf8)
        guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
            throw error("cannot write", temporary)
        }
        guard rename(temporary, path) == 0 else { throw error("cannot write", path) }
        succeeded = true
    }

    /// Creates the folder at `path` `0700` when missing, or removes every permission of others from it; returns
    /// whether an existing folder had to be tightened.
    private static func makePrivateDirectory(at path: String) throws -> Bool {
        guard let mode = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int else {
            try makeParents(of: path)
            guard mkdir(path, directoryMode) == 0 || errno == EEXIST else { throw error("cannot create", path) }
            guard chmod(path, directoryMode) == 0 else { throw error("cannot set the permissions of", path) }
            return false
        }
        guard mode & 0o077 != 0 else { return false }
        guard chmod(path, directoryMode) == 0 else { throw error("cannot set the permissions of", path) }
        return true
    }

    /// Creates the missing folders above `path`, each `0700`; folders that exist are left as they are (they may be
    /// shared, like `/tmp`).
    private static func makeParents(of path: String) throws {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard !FileManager.default.fileExists(atPath: parent) else { return }
        try makeParents(of: parent)
        guard mkdir(parent, directoryMode) == 0 || errno == EEXIST else { throw error("cannot create", parent) }
        guard chmod(parent, directoryMode) == 0 else { throw error("cannot set the permissions of", parent) }
    }

    private static func error(_ action: String, _ path: String) -> Failure {
        Failure(message: "\(action) '\(path)': \(String(cString: strerror(errno)))")
    }

    /// A folder or file of the state that could not be made private: what was tried, on which path, and why. (Its
    /// own type, so the log writer's benchmark can link this file alone.)
    struct Failure: Error, CustomStringConvertible {
        /// What went wrong, naming the path.
        var message: String

        var description: String { message }
    }
}
