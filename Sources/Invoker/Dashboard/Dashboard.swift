import Foundation
import Hummingbird

/// The live web dashboard, served by the invoker under `/dashboard`: an overview of the functions, their workers and
/// queues; a page per function with 15 minutes of charts; the invocation log with filters and each invocation's
/// record and output; the queues' dead letters with redrive and purge. Pages are rendered on the server from the
/// templates in `Resources/templates`; `Resources/static/dashboard.js` keeps them live from the event stream
/// (`GET /system/events`). Access is the admin API's: see ``DashboardAccess`` and ``DashboardLogin``.
///
/// ```swift
/// Dashboard(access: access, activity: activity, pages: try await DashboardPages(), …).register(on: router, admin: admin)
/// ```
struct Dashboard: Sendable {
    /// Who may use it.
    let access: DashboardAccess
    /// The time series and the newest invocations.
    let activity: LiveActivity
    /// The templates.
    let pages: DashboardPages
    /// The pools now: read on each request, so functions added or removed while the invoker runs show up.
    let pools: @Sendable () -> [WorkerPool]
    /// The invocation log.
    let invocations: any InvocationStore
    /// The queues.
    let queues: any QueueStore
    /// The nodes sharing the database; nil for a single node.
    let nodes: (@Sendable () async throws -> [NodeStatus])?

    /// Adds the pages and the event stream to `router`, and the login-token route to `admin` (the group that
    /// requires the admin key).
    func register(on router: Router<InvokerRequestContext>, admin: some RouterMethods<InvokerRequestContext>) {
        DashboardLogin(access: access, pages: pages).register(on: router, admin: admin)
        router.get("/dashboard/static/{file}") { _, context in
            try pages.asset(named: context.parameters.require("file"))
        }
        let signedIn = router.group().add(
            middleware: DashboardAuthMiddleware(access: access, denial: .redirectToLogin)
        )
        signedIn.get("/dashboard") { request, _ in try await overview(request) }
        signedIn.get("/dashboard/functions/{name}") { request, context in
            try await functionPage(request, name: context.parameters.require("name"))
        }
        signedIn.get("/dashboard/invocations") { request, _ in try await invocationList(request) }
        signedIn.get("/dashboard/invocations/{id}") { request, context in
            try await invocationPage(request, id: context.parameters.require("id"))
        }
        signedIn.get("/dashboard/queues") { request, _ in try await queuePage(request) }
        signedIn.post("/dashboard/queues/{name}/{action}") { request, context in
            try await queueAction(
                request,
                queue: context.parameters.require("name"),
                action: context.parameters.require("action")
            )
        }
        router.group().add(middleware: DashboardAuthMiddleware(access: access, denial: .unauthorized))
            .get("/system/events") { _, _ in events() }
    }

    /// The CSRF token the forms of a page shown to `request` carry; empty for the admin key, which needs none.
    func csrfToken(of request: Request) -> String {
        if case .session(let session) = access.grant(for: request) { return session.csrfToken }
        return ""
    }
}
