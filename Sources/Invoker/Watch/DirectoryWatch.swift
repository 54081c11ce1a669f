import CLibUV

/// One folder a ``WatchLoop`` watches: its libuv handle, which folder it is, and which of its changes count.
struct DirectoryWatch {
    /// Which changes in a folder are reported.
    enum Scope {
        /// Every change but to ignored names; new folders are watched too.
        case everything
        /// Changes to these names only: the folder of ``WatchRoot/file(_:)`` roots.
        case names(Set<String>)

        /// The scope that reports what either reports.
        func union(_ other: Scope) -> Scope {
            guard case .names(let names) = self, case .names(let others) = other else { return .everything }
            return .names(names.union(others))
        }
    }

    var handle: UnsafeMutablePointer<uv_fs_event_t>
    /// The folder the watch was started on, to notice when the path names another one.
    var identity: DirectoryIdentity
    var scope: Scope
}
