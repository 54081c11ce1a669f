import Hummingbird

/// Who may use the dashboard: a browser with a live session cookie, or a client presenting the admin key
/// (`Authorization: Bearer`). A request's credentials are checked against both.
struct DashboardAccess: Sendable {
    /// How a request was let in.
    enum Grant: Sendable, Equatable {
        /// Through a session cookie: its forms must carry the session's CSRF token.
        case session(DashboardSession)
        /// Through the admin key in a header, which no other site can make a browser send.
        case adminKey
    }

    /// The sessions.
    let sessions: DashboardSessions
    /// The admin key.
    let adminKey: BearerKey

    /// How `request` is let in; nil when it presents neither a live session nor the admin key.
    func grant(for request: Request) -> Grant? {
        if adminKey.isPresented(in: request) { return .adminKey }
        return Self.sessionCookie(of: request).flatMap(sessions.session(cookie:)).map(Grant.session)
    }

    /// The value of the session cookie `request` carries, if any.
    static func sessionCookie(of request: Request) -> String? {
        let prefix = DashboardSession.cookieName + "="
        for header in request.headers[values: .cookie] {
            for cookie in header.split(separator: ";") {
                let cookie = cookie.trimmingPrefix(while: \.isWhitespace)
                if cookie.hasPrefix(prefix) { return String(cookie.dropFirst(prefix.count)) }
            }
        }
        return nil
    }

    /// Whether `form` carries the CSRF token `grant` needs: the session's, compared in constant time; any form
    /// passes for the admin key.
    static func isCSRFValid(_ form: [String: String], for grant: Grant) -> Bool {
        switch grant {
        case .adminKey:
            return true
        case .session(let session):
            guard let token = form[DashboardSession.csrfField] else { return false }
            return BearerKey.constantTimeEqual(token, session.csrfToken)
        }
    }
}
