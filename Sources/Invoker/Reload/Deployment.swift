/// What the invoker serves at one moment: one manifest's functions, each on the pool of its current generation, with
/// the routes, authorizers and producer queues built from that manifest. A reload builds a new one and installs it
/// whole in the ``FunctionCatalog``, so that a request sees one manifest throughout.
final class Deployment: Sendable {
    /// The manifest.
    let manifest: Manifest
    /// Each function's pool, by name.
    let pools: [String: WorkerPool]
    /// The manifest's HTTP routes.
    let routes: RouteTable<FunctionRoutes.Route>
    /// Each route's authentication, and the admin key on the generic paths of functions whose routes authenticate.
    let authorizers: RouteAuthorizers
    /// The queues producers may post to: those a function consumes.
    let producerQueues: [QueueDefinition]

    /// The deployment of `manifest` on `pools`, with its routes guarded by `authorizers`.
    init(manifest: Manifest, pools: [String: WorkerPool], authorizers: RouteAuthorizers) {
        self.manifest = manifest
        self.pools = pools
        self.routes = FunctionRoutes.table(of: manifest, authorizers: authorizers)
        self.authorizers = authorizers
        self.producerQueues = QueueDefinition.consumed(in: manifest).map(\.definition).filter { $0.kind == .queue }
    }

    /// Nothing deployed: no function, no route.
    static let empty = Deployment(
        manifest: Manifest(file: "", directory: "", functions: []),
        pools: [:],
        authorizers: .open
    )

    /// The pools in the manifest's order (by function name).
    var orderedPools: [WorkerPool] {
        manifest.functions.compactMap { pools[$0.name] }
    }
}
