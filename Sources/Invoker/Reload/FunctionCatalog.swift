import Synchronization

/// The ``Deployment`` the invoker serves now. Every request reads it once, at its start; a reload replaces it whole,
/// so requests that started before the swap finish with the pools they found (see ``WorkerPool/retire(successor:)``).
///
/// ```swift
/// let pool = try catalog.pool(named: "hello")
/// catalog.install(newDeployment)
/// ```
final class FunctionCatalog: Sendable {
    private let current: Mutex<Deployment>

    /// A catalog serving `deployment` (nothing, by default).
    init(_ deployment: Deployment = .empty) {
        current = Mutex(deployment)
    }

    /// The deployment served now.
    var deployment: Deployment {
        current.withLock { $0 }
    }

    /// The pools served now, in the manifest's order.
    var pools: [WorkerPool] {
        deployment.orderedPools
    }

    /// The pool of the function named `name`, or a not-found error naming it.
    func pool(named name: String) throws(InvokerError) -> WorkerPool {
        guard let pool = deployment.pools[name] else {
            throw InvokerError(.functionNotFound, "no function named \"\(name)\"")
        }
        return pool
    }

    /// Serves `deployment` from now on.
    func install(_ deployment: Deployment) {
        current.withLock { $0 = deployment }
    }
}
