import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The key the admin API requires as `Authorization: Bearer <key>`.
///
/// `invoker serve` without `--api-key` or `INVOKER_API_KEY` generates one at start and writes it to `admin.key` in
/// the state directory (`0600`, readable by the invoker's user only); the CLI commands that talk to a running
/// invoker read it from there when they are given no key, so local use needs no setup.
///
/// ```swift
/// let key = try AdminKey.generate(into: state.file(AdminKey.fileName))
/// let client = try AdminClient(url: url, apiKey: AdminKey.resolve(explicit: nil))
/// ```
enum AdminKey {
    /// The key file's name in the state directory.
    static let fileName = "admin.key"
    /// The environment variable that gives the key.
    static let environmentVariable = "INVOKER_API_KEY"
    /// Where the CLI looks for the key file: in the state directory of the manifest in the current folder.
    static let defaultPath = StateDirectory.name + "/" + fileName

    /// The key `invoker serve` requires: `configured` (`--api-key` or `INVOKER_API_KEY`), and then a key file left by
    /// an earlier run is removed, so the CLI never sends a stale key; else a new key generated into `state`.
    static func forServer(configured: String?, state: StateDirectory) throws -> String {
        let path = state.file(fileName)
        guard let configured else { return try generate(into: path) }
        if unlink(path) != 0 && errno != ENOENT {
            throw InvokerError(.configuration, "cannot remove the stale admin key file '\(path)'")
        }
        return configured
    }

    /// Generates a new random key (256 bits, hex) and writes it to `path`, readable by its owner only.
    static func generate(into path: String) throws -> String {
        let key = Hex.random(bytes: 32)
        try StateDirectory.writePrivateFile(at: path, contents: key + "\n")
        return key
    }

    /// The key a CLI command sends: `explicit` (`--api-key`), else `INVOKER_API_KEY`, else the contents of the key
    /// file at `path`; nil when there is none.
    static func resolve(
        explicit: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        path: String = defaultPath
    ) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        if let key = environment[environmentVariable], !key.isEmpty { return key }
        guard let contents = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let key = contents.trimmingCharacters(in: .whitespacesAndNewlines)
        return key.isEmpty ? nil : key
    }
}
