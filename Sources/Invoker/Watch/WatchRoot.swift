/// Something a ``FileWatcher`` watches: a folder with everything under it, or a single file.
enum WatchRoot: Hashable, Sendable {
    /// A folder and every folder under it, including those created later (but not hidden ones: see
    /// ``IgnoredNames``).
    case directory(String)
    /// One file, such as `Package.swift` or `functions.json`. Its folder is watched for changes to that name, so an
    /// editor that saves by renaming a temporary file over it is seen too.
    case file(String)
}
