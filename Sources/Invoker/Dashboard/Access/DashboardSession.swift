/// A signed-in browser: the secret its cookie carries and the token its forms must send back.
struct DashboardSession: Sendable, Equatable {
    /// The name of the session cookie. Function routes never see it (``FunctionURLRequest`` leaves it out).
    static let cookieName = "invoker_session"
    /// The name of the form field that carries ``csrfToken``.
    static let csrfField = "csrf"

    /// The cookie's secret.
    var token: String
    /// The token every form of the session carries, checked on each POST.
    var csrfToken: String
    /// When the session ends.
    var expiresAt: ContinuousClock.Instant
}
