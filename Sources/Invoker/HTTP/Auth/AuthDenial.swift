import HTTPTypes

/// Why a caller was refused on an authenticated route: the status, the `{"errorType","errorMessage"}` body, the
/// `WWW-Authenticate` challenge, and a short reason that metrics count by.
struct AuthDenial: Error, Sendable, Equatable {
    /// 401 for missing or bad credentials, 403 for good credentials without the right to the route.
    var status: HTTPResponse.Status
    /// `Unauthorized` or `Forbidden`.
    var errorType: String
    /// What was wrong, without any secret.
    var message: String
    /// The challenge, such as `Bearer error="invalid_token"`.
    var wwwAuthenticate: String
    /// The metric dimension: `missing`, `invalid`, `expired`, `not_allowed`, `insufficient_scope`, …
    var reason: String

    /// A 401 for a credential that is missing or not valid.
    static func unauthorized(_ message: String, reason: String, challenge: String) -> AuthDenial {
        AuthDenial(
            status: .unauthorized,
            errorType: "Unauthorized",
            message: message,
            wwwAuthenticate: challenge,
            reason: reason
        )
    }

    /// A 403 for a valid credential the route does not allow.
    static func forbidden(_ message: String, reason: String, challenge: String) -> AuthDenial {
        AuthDenial(
            status: .forbidden,
            errorType: "Forbidden",
            message: message,
            wwwAuthenticate: challenge,
            reason: reason
        )
    }
}
