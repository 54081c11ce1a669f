/// What the spawner tells the invoker: a request's outcome, or that a worker it started has ended.
enum SpawnReply: Sendable, Equatable {
    /// Request `id`'s worker runs as process `pid` (it has executed the worker's executable).
    case spawned(id: UInt64, pid: Int32)
    /// Request `id` started no worker: `step` (such as `setuid`) failed with `errno`, before the executable ran.
    case failed(id: UInt64, step: SpawnStep, errno: Int32)
    /// Request `id` was not understood, for `reason`; id 0 when even the id could not be read.
    case rejected(id: UInt64, reason: String)
    /// Worker `pid` ended so; the spawner has reaped it.
    case ended(pid: Int32, exit: WorkerExit)

    private enum Kind: Int64 {
        case spawned = 1
        case failed, rejected, exitCode, signal
    }

    /// The reply's bytes.
    var encoded: [UInt8] {
        var writer = SpawnerWire.Writer()
        switch self {
        case .spawned(let id, let pid):
            writer.append(Kind.spawned.rawValue)
            writer.append(Int64(bitPattern: id))
            writer.append(Int64(pid))
        case .failed(let id, let step, let errno):
            writer.append(Kind.failed.rawValue)
            writer.append(Int64(bitPattern: id))
            writer.append(step.rawValue)
            writer.append(Int64(errno))
        case .rejected(let id, let reason):
            writer.append(Kind.rejected.rawValue)
            writer.append(Int64(bitPattern: id))
            writer.append(reason)
        case .ended(let pid, .exited(let code)):
            writer.append(Kind.exitCode.rawValue)
            writer.append(Int64(pid))
            writer.append(Int64(code))
        case .ended(let pid, .signaled(let signal)):
            writer.append(Kind.signal.rawValue)
            writer.append(Int64(pid))
            writer.append(Int64(signal))
        case .ended(_, .notStarted):
            preconditionFailure("the spawner reports the end of processes it started: \(self)")
        }
        return writer.bytes
    }

    /// Reads a reply; anything else throws.
    init(decoding bytes: ArraySlice<UInt8>) throws(SpawnerWire.Malformed) {
        var reader = SpawnerWire.Reader(bytes)
        let kind = try reader.integer()
        switch Kind(rawValue: kind) {
        case .spawned:
            self = .spawned(
                id: UInt64(bitPattern: try reader.integer()),
                pid: try reader.integer("a pid", in: 1...Int32.max)
            )
        case .failed:
            let id = UInt64(bitPattern: try reader.integer())
            let step = try reader.integer()
            guard let known = SpawnStep(rawValue: step) else { throw SpawnerWire.Malformed("unknown step \(step)") }
            self = .failed(id: id, step: known, errno: try reader.integer("an errno", in: 0...Int32.max))
        case .rejected:
            self = .rejected(id: UInt64(bitPattern: try reader.integer()), reason: try reader.string())
        case .exitCode:
            let pid: Int32 = try reader.integer("a pid", in: 1...Int32.max)
            self = .ended(pid: pid, exit: .exited(try reader.integer("an exit code", in: 0...255)))
        case .signal:
            let pid: Int32 = try reader.integer("a pid", in: 1...Int32.max)
            self = .ended(pid: pid, exit: .signaled(try reader.integer("a signal", in: 1...127)))
        case nil:
            throw SpawnerWire.Malformed("unknown reply kind \(kind)")
        }
        try reader.finish()
    }
}
