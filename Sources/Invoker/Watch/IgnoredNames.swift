/// The file and folder names a ``FileWatcher`` ignores under a watched folder: editors' and tools' noise, never
/// sources. This is the one place the rule lives; a ``WatchRoot/file(_:)`` root is always watched whatever its name.
///
/// Ignored are:
/// - hidden names, starting with `.`: `.build/`, `.invoker/`, `.git/`, Vim's `.main.swift.swp`, Emacs' `.#main.swift`
///   locks (a hidden folder is not watched at all);
/// - backups ending with `~` (Vim, Emacs, gedit);
/// - swap files ending with `.swp`, `.swo` or `.swx` (Vim, when told to keep them beside the file);
/// - Emacs' auto-saves, `#main.swift#`;
/// - `4913`, the file Vim creates and deletes to check that it may write to a folder;
/// - JetBrains' safe-write files ending with `___jb_tmp___` or `___jb_old___`.
enum IgnoredNames {
    /// Whether changes to `name` (the last component of a path) are noise.
    static func contains(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") || name == "4913" { return true }
        if name.count > 1 && name.hasPrefix("#") && name.hasSuffix("#") { return true }
        return suffixes.contains { name.hasSuffix($0) }
    }

    /// The endings of editors' temporary files.
    private static let suffixes = [".swp", ".swo", ".swx", "___jb_tmp___", "___jb_old___"]
}
