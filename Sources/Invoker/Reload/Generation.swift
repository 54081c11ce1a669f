import Crypto

/// A function's generation: a short id of what its workers run, which a reload compares to decide whether the
/// function needs new workers. It is 8 hex digits of a SHA-256 over the worker binary's build (``BinarySnapshot``)
/// or the function's command, its arguments, directory, environment (which holds the handler, timeout and memory
/// size), operating-system limits and transport: a change to any of them is a new generation, and nothing else is.
/// Records and `/system/functions` carry it, so one can tell which build answered.
enum Generation {
    /// The generation of workers started as `launch` says over `transport`, running the binary build `build` (nil for
    /// a function with a command of its own).
    static func id(launch: WorkerLaunch, transport: FunctionDefinition.Transport, build: String?) -> String {
        var fields = [build ?? launch.executable, launch.workingDirectory, transport.rawValue]
        fields += launch.arguments
        fields += launch.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        fields += [
            String(launch.limits.openFiles), String(launch.limits.cpuSeconds), "\(launch.limits.processes ?? -1)",
        ]
        let digest = SHA256.hash(data: Array(fields.joined(separator: "\u{0}").utf8))
        return Hex.lowercase(Array(digest).prefix(4))
    }
}
