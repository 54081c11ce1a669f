/// The invoker's version, in one place: `invoker --version` prints it and each node's heartbeat carries it, so an
/// operator sees which nodes of a cluster run which release.
enum InvokerVersion {
    /// This build's version (semantic versioning).
    static let current = "0.9.0"
}
