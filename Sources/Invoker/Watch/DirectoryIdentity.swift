import Foundation

/// Which folder a path names (device and inode), so a watch left on a folder that was removed or renamed is told
/// apart from a new folder at the same path.
struct DirectoryIdentity: Equatable {
    private var device: UInt64
    private var inode: UInt64

    /// The identity of the folder at `path`, or `nil` when there is none (a missing path, a file, a symbolic link:
    /// links are not followed, so a link cannot make the watcher loop).
    init?(at path: String) {
        // FileManager reads without following a final symbolic link (lstat).
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeDirectory,
            let device = (attributes[.systemNumber] as? NSNumber)?.uint64Value,
            let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        else { return nil }
        self.device = device
        self.inode = inode
    }
}
