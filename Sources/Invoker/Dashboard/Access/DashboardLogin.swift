import Foundation
import HTTPTypes
import Hummingbird

/// Signing in to the dashboard and out of it:
///
/// - `POST /system/dashboard/login-tokens` (admin key): a single-use login token valid for 60 seconds, with the
///   link that redeems it; `invoker dashboard` asks for one and prints the link.
/// - `GET /dashboard/login?token=…` redeems it: sets the session cookie (`HttpOnly`, `SameSite=Strict`) and moves
///   on to the overview. Without a token, the login form.
/// - `POST /dashboard/login` with the admin key in the form starts a session too.
/// - `POST /dashboard/logout` (with the session's CSRF token) ends it.
struct DashboardLogin: Sendable {
    /// The login form's path.
    static let formPath = "/dashboard/login"

    /// Who may sign in.
    let access: DashboardAccess
    /// The templates.
    let pages: DashboardPages

    /// Adds the routes to `router`, and the token route to `admin`.
    func register(on router: Router<InvokerRequestContext>, admin: some RouterMethods<InvokerRequestContext>) {
        admin.post("/system/dashboard/login-tokens") { _, _ in
            let token = access.sessions.issueLoginToken()
            let seconds = Int(DashboardSessions.loginTokenLifetime.components.seconds)
            let body: [String: Any] = ["token": token, "path": "\(Self.formPath)?token=\(token)", "expiresIn": seconds]
            let data = try JSONSerialization.data(
                withJSONObject: body,
                options: [.sortedKeys, .withoutEscapingSlashes]
            )
            return Response.json(status: .created, String(decoding: data, as: UTF8.self))
        }
        router.get("/dashboard/login") { request, _ in
            let next = Self.safeReturn(request.uri.queryParameters["next"].map(String.init))
            guard let token = request.uri.queryParameters["token"] else {
                return form(next: next, error: nil, status: .ok)
            }
            guard let session = access.sessions.redeem(loginToken: String(token)) else {
                return form(
                    next: next,
                    error: "This login link is not valid: it was used already, it expired (links last 60 seconds),"
                        + " or it was never issued. Run invoker dashboard for a new one, or enter the admin key.",
                    status: .unauthorized
                )
            }
            // A page that moves on by itself rather than a redirect: a redirect that follows a link opened from
            // another site is still a cross-site request, which would not carry a SameSite=Strict cookie.
            var response = pages.page("signed-in", ["title": "Signed in", "next": next, "refresh": next])
            response.headers[.setCookie] = Self.cookie(session, request: request)
            return response
        }
        router.post("/dashboard/login") { request, _ in
            let form = try await DashboardForm(request)
            let next = Self.safeReturn(form["next"])
            guard let key = form["key"], BearerKey.constantTimeEqual(key, access.adminKey.key), !key.isEmpty else {
                return self.form(next: next, error: "That is not the invoker's admin key.", status: .unauthorized)
            }
            let session = access.sessions.startSession()
            var response = Response(status: .seeOther, headers: [.location: next, .cacheControl: "no-store"])
            response.headers[.setCookie] = Self.cookie(session, request: request)
            return response
        }
        router.post("/dashboard/logout") { request, _ in
            let form = try await DashboardForm(request)
            if let grant = access.grant(for: request), case .session(let session) = grant {
                guard DashboardAccess.isCSRFValid(form.fields, for: grant) else {
                    return pages.message("Forbidden", "The form was not sent by this dashboard.", status: .forbidden)
                }
                access.sessions.end(cookie: session.token)
            }
            var response = Response(status: .seeOther, headers: [.location: Self.formPath, .cacheControl: "no-store"])
            response.headers[.setCookie] =
                "\(DashboardSession.cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
            return response
        }
    }

    /// The login form, with `error` when there is one.
    private func form(next: String, error: String?, status: HTTPResponse.Status) -> Response {
        var context: [String: Any] = ["title": "Sign in", "next": next]
        if let error { context["error"] = error }
        return pages.page("login", context, status: status)
    }

    /// The login form's path, coming back to `target` once signed in.
    static func path(returningTo target: String) -> String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "next", value: target)]
        return formPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    /// `next` when it is a dashboard page of this invoker, else the overview: signing in never leads elsewhere.
    static func safeReturn(_ next: String?) -> String {
        guard let next, next == "/dashboard" || next.hasPrefix("/dashboard/") || next.hasPrefix("/dashboard?"),
            !next.contains("\\"), !next.hasPrefix(formPath)
        else { return "/dashboard" }
        return next
    }

    /// The `Set-Cookie` value of `session`: `Secure` too when the request came through a TLS proxy.
    static func cookie(_ session: DashboardSession, request: Request) -> String {
        let seconds = DashboardSessions.sessionLifetime.components.seconds
        var cookie = "\(DashboardSession.cookieName)=\(session.token); Path=/; Max-Age=\(seconds); HttpOnly"
        cookie += "; SameSite=Strict"
        if request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" { cookie += "; Secure" }
        return cookie
    }
}
