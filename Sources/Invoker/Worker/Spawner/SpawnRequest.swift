#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the spawner needs to start one worker process. The worker's standard input and its output descriptor travel
/// beside the request, as `SCM_RIGHTS`.
struct SpawnRequest: Sendable, Equatable {
    /// The request's number, repeated in the reply.
    var id: UInt64
    /// The executable's absolute path.
    var executable: String
    /// The arguments after the executable (the executable's path is `argv[0]`).
    var arguments: [String]
    /// The whole environment, as `NAME=value`.
    var environment: [String]
    /// The directory the worker starts in.
    var workingDirectory: String
    /// The user and group id the worker runs as; nil keeps the spawner's (the invoker's).
    var userID: uid_t?
    /// The worker's operating-system limits.
    var limits: WorkerLimits

    /// The request's bytes.
    var encoded: [UInt8] {
        var writer = SpawnerWire.Writer()
        writer.append(Int64(bitPattern: id))
        writer.append(executable)
        writer.append(arguments)
        writer.append(environment)
        writer.append(workingDirectory)
        writer.append(userID.map { Int64($0) } ?? -1)
        writer.append(Int64(limits.openFiles))
        writer.append(Int64(limits.cpuSeconds))
        writer.append(limits.processes.map { Int64($0) } ?? -1)
        return writer.bytes
    }

    init(
        id: UInt64,
        executable: String,
        arguments: [String],
        environment: [String],
        workingDirectory: String,
        userID: uid_t?,
        limits: WorkerLimits
    ) {
        self.id = id
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.userID = userID
        self.limits = limits
    }

    /// Reads a request; what does not follow the layout, or names no absolute executable, an unusable user id or
    /// limits below one, throws.
    init(decoding bytes: ArraySlice<UInt8>) throws(SpawnerWire.Malformed) {
        var reader = SpawnerWire.Reader(bytes)
        id = UInt64(bitPattern: try reader.integer())
        executable = try reader.string()
        arguments = try reader.strings()
        environment = try reader.strings()
        workingDirectory = try reader.string()
        let user: Int64 = try reader.integer("the user id", in: -1...Int64(UInt32.max - 1))
        userID = user < 0 ? nil : uid_t(user)
        let openFiles: Int = try reader.integer("the open-file limit", in: 1...Int(Int32.max))
        let cpuSeconds: Int = try reader.integer("the CPU-second limit", in: 1...Int(Int32.max))
        let processes: Int = try reader.integer("the process limit", in: -1...Int(Int32.max))
        guard processes != 0 else { throw SpawnerWire.Malformed("the process limit is 0") }
        limits = WorkerLimits(
            openFiles: openFiles,
            cpuSeconds: cpuSeconds,
            processes: processes < 0 ? nil : processes
        )
        try reader.finish()
        guard executable.hasPrefix("/") else {
            throw SpawnerWire.Malformed("the executable \(executable.debugDescription) is not an absolute path")
        }
    }
}
