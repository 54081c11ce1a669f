import Hummingbird

/// Guards the dashboard's pages and its event stream: lets in a live session or the admin key (``DashboardAccess``).
/// Anyone else is sent to the login form from a page, and answered `401` by the event stream.
struct DashboardAuthMiddleware: RouterMiddleware {
    typealias Context = InvokerRequestContext

    /// What a request without credentials gets.
    enum Denial: Sendable {
        /// `303` to `/dashboard/login`, which returns to the page after signing in.
        case redirectToLogin
        /// `401` with a JSON error.
        case unauthorized
    }

    /// The credentials that are accepted.
    let access: DashboardAccess
    /// What a request without them gets.
    let denial: Denial

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard access.grant(for: request) == nil else { return try await next(request, context) }
        switch denial {
        case .redirectToLogin:
            // A form sent without a session is not sent again after signing in: back to the overview then.
            let page = request.method == .get ? request.uri.description : "/dashboard"
            let target = DashboardLogin.path(returningTo: page)
            return Response(status: .seeOther, headers: [.location: target, .cacheControl: "no-store"])
        case .unauthorized:
            var response = Response.json(
                ErrorDocument(
                    errorType: "Unauthorized",
                    errorMessage: "the event stream needs a dashboard session (sign in at /dashboard/login) or the"
                        + " header Authorization: Bearer <admin key>"
                ),
                status: .unauthorized
            )
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
    }
}
