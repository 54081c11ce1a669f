import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One build of the `Functions` worker binary, frozen: a hard link to it beside it, named
/// `.Functions.<build>.<invoker pid>.<owner>` (the owner tells apart the invokers that one process runs, as tests do),
/// from which the workers of the generations on that build are started. A rebuild
/// replaces `Functions` with a new file (the linker writes a new one and renames it), so the link keeps the old build:
/// a worker that a generation starts after a rebuild (to scale up, or after a crash) runs the same code as its
/// siblings, and a rebuild that a reload refuses (a handler missing) never reaches a serving generation.
///
/// The build id is 8 hex digits of a SHA-256 over the file's device, inode, size and modification time (to the
/// nanosecond the file system keeps): cheap to take on every reload, and new for every build.
struct BinarySnapshot: Sendable, Hashable {
    /// The frozen copy's path, which workers execute.
    let path: String
    /// The build's id.
    let build: String

    /// The name prefix of every snapshot.
    private static let prefix = "."

    /// Freezes the binary at `binary` as it is now, for `owner` (a random id per invoker). When no link can be made
    /// beside it (a read-only folder), the binary is used in place, with the same build id.
    static func take(of binary: String, owner: String) throws -> BinarySnapshot {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: binary),
            let modified = attributes[.modificationDate] as? Date
        else {
            throw InvokerError(.configuration, "cannot read the worker binary \(binary)")
        }
        let fields: [FileAttributeKey] = [.systemNumber, .systemFileNumber, .size]
        let identity = fields.map { "\(attributes[$0] ?? "")" } + [String(modified.timeIntervalSince1970.bitPattern)]
        let digest = SHA256.hash(data: Array(identity.joined(separator: ":").utf8))
        let build = Hex.lowercase(Array(digest).prefix(4))
        let file = URL(fileURLWithPath: binary)
        let path = file.deletingLastPathComponent().appendingPathComponent(
            "\(prefix)\(file.lastPathComponent).\(build).\(getpid()).\(owner)"
        ).path
        if access(path, X_OK) == 0 || link(binary, path) == 0 {
            return BinarySnapshot(path: path, build: build)
        }
        return BinarySnapshot(path: binary, build: build)
    }

    /// Deletes the frozen copy (workers that run it keep running); a binary used in place is left alone.
    func remove() {
        guard URL(fileURLWithPath: path).lastPathComponent.hasPrefix(Self.prefix) else { return }
        unlink(path)
    }

    /// Deletes the snapshots of `binary` that invokers which are no longer running left behind (killed before they
    /// could remove them).
    static func removeAbandoned(of binary: String) {
        let file = URL(fileURLWithPath: binary)
        let folder = file.deletingLastPathComponent()
        let name = "\(prefix)\(file.lastPathComponent)."
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where entry.hasPrefix(name) {
            let parts = entry.split(separator: ".")
            guard parts.count >= 2, let owner = pid_t(parts[parts.count - 2]), owner != getpid(),
                kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            unlink(folder.appendingPathComponent(entry).path)
        }
    }
}
