#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The user a worker runs as. When the invoker runs as root, each worker gets a user and group id of its own, from
/// a reserved range, and no supplementary groups: workers cannot signal, trace or read the memory of each other or of
/// the invoker, and the process-count limit applies to each worker separately. Otherwise workers run as the
/// invoker's user.
enum WorkerIdentity: Sendable, Equatable {
    /// The invoker's own user.
    case inherited
    /// A dedicated unprivileged user and group id.
    case isolated(uid: uid_t)

    /// The first id of the range reserved for workers; slot `n` of the ``WorkerBudget`` runs as `base + n`.
    static let base: uid_t = 2_000_000_000

    /// Whether the invoker can give workers their own user ids (it runs as root).
    static var canIsolate: Bool { geteuid() == 0 }

    /// The identity of the worker in budget slot `slot`.
    static func forSlot(_ slot: Int) -> WorkerIdentity {
        canIsolate ? .isolated(uid: base + uid_t(slot)) : .inherited
    }
}
