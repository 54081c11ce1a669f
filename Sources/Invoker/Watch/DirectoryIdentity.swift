import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Which folder a path names (device and inode), so a watch left on a folder that was removed or renamed is told
/// apart from a new folder at the same path.
struct DirectoryIdentity: Equatable {
    private var device: UInt64
    private var inode: UInt64

    /// The identity of the folder at `path`, or `nil` when there is none (a missing path, a file, a symbolic link:
    /// links are not followed, so a link cannot make the watcher loop).
    init?(at path: String) {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
