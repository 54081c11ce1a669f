import Hummingbird

/// Guards the admin API with `Authorization: Bearer <key>`: added to the router group that holds the admin routes
/// (`/system/…`, `/metrics`), so it sees no other request. The key is compared in constant time.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = InvokerRequestContext

    /// The key callers must present.
    let key: BearerKey

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard key.isPresented(in: request) else {
            var response = Response.json(
                ErrorDocument(
                    errorType: "Unauthorized",
                    errorMessage: "the admin API needs the header Authorization: Bearer <key> with the invoker's key"
                        + " (--api-key, INVOKER_API_KEY, or the generated .invoker/admin.key beside the manifest)"
                ),
                status: .unauthorized
            )
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}
