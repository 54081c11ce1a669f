import Foundation
import Logging
import Synchronization

/// The `--api-keys` file's keys as they are now: read at start, read again on reload (SIGHUP). A file that cannot be
/// read or parsed on reload leaves the keys as they were and logs an error.
final class APIKeyStore: Sendable {
    /// The key file.
    let path: String
    private let current: Mutex<APIKeys>
    private let logger: Logger

    /// Reads the file at `path`; warns when it is readable by its group or by others.
    init(path: String, logger: Logger) throws(InvokerError) {
        self.path = path
        self.logger = logger
        self.current = Mutex(try APIKeys(contentsOf: path))
        warnIfShared()
    }

    /// The keys now.
    var keys: APIKeys { current.withLock { $0 } }

    /// Reads the file again; on failure keeps the keys and logs why. Returns whether the new keys are in use.
    @discardableResult
    func reload() -> Bool {
        do throws(InvokerError) {
            let keys = try APIKeys(contentsOf: path)
            current.withLock { $0 = keys }
            logger.info("Reloaded the API keys", metadata: [LogKey.path: "\(path)", LogKey.keys: "\(keys.keys.count)"])
            warnIfShared()
            return true
        } catch {
            logger.error(
                "Kept the previous API keys: the key file could not be reloaded",
                metadata: [LogKey.path: "\(path)", LogKey.error: "\(error.message)"]
            )
            return false
        }
    }

    /// Logs a warning when the file's mode lets its group or others read it.
    private func warnIfShared() {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value, mode & 0o044 != 0
        else { return }
        logger.warning(
            "The API key file is readable by other users; make it private with chmod 600",
            metadata: [LogKey.path: "\(path)", LogKey.mode: "\(String(mode & 0o777, radix: 8))"]
        )
    }
}
