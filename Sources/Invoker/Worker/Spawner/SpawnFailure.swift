#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the spawner started no worker: a step before the executable failed, it refused the request, or it died.
struct SpawnFailure: Error, CustomStringConvertible {
    /// The error number of the failed step, when there was one.
    var errno: Int32?
    /// What went wrong, for the log.
    var description: String
    /// Whether the spawner itself was gone (or could not be started), rather than this worker failing.
    var spawnerLost = false

    /// `step` failed with `errno` in the worker's process, before its executable ran.
    static func step(_ step: SpawnStep, errno: Int32) -> SpawnFailure {
        SpawnFailure(errno: errno, description: "\(step) failed: \(String(cString: strerror(errno))) (errno \(errno))")
    }

    /// The spawner is gone or could not be reached: `reason` says how.
    static func spawnerLost(_ reason: String, errno: Int32? = nil) -> SpawnFailure {
        SpawnFailure(errno: errno, description: reason, spawnerLost: true)
    }

    /// How the worker that was not started counts: as a command that could not run (or the invoker out of
    /// descriptors, see ``WorkerExit/spawnFailed(errno:)``), or, when the spawner was lost, as not started.
    var exit: WorkerExit {
        spawnerLost ? .notStarted("the invoker's spawner process was lost: \(description)") : .spawnFailed(errno: errno)
    }
}
