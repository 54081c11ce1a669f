import Hummingbird

/// Guards the admin API with `Authorization: Bearer <key>`: added to the router group that holds the admin routes
/// (`/system/…`, `/metrics`), so it sees no other request. The key is compared in constant time.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = InvokerRequestContext

    /// The key callers must present.
    let key: String

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let presented = request.headers[.authorization].flatMap { header in
            header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : nil
        }
        guard let presented, Self.constantTimeEqual(presented, key) else {
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

    /// Whether `a` and `b` are equal, taking the same time whatever the first difference.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
