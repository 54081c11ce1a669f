import Foundation
import HTTPTypes
import Runtime

/// The authentication of one manifest route, built once at start: a check of a request's headers that allows it
/// (naming the caller) or denies it (with the status and challenge to answer). The check touches no network, except
/// for a JWKS URL's refresh when a token names a key not seen yet (at most once a minute).
///
/// ```swift
/// switch await authorizer.check(request.headers, now: Date()) {
/// case .allowed(let caller): …  // invoke, with caller.authorizer in the event
/// case .denied(let denial): …   // answer denial.status, never reaching a worker
/// }
/// ```
struct RouteAuthorizer: Sendable {
    /// How the route authenticates.
    enum Mode: Sendable {
        /// Open.
        case none
        /// `x-api-key`; `allowed` names the keys the route accepts (nil: any key of the file).
        case apiKey(store: APIKeyStore, allowed: Set<String>?)
        /// A JWT bearer token.
        case jwt(JWTAuthorizer)
        /// `Authorization: Bearer <admin key>`: the `/function/{name}` paths of a function whose routes
        /// authenticate, which would otherwise bypass them.
        case adminKey(BearerKey)
    }

    /// How the route authenticates.
    let mode: Mode

    /// An open route's authorizer.
    static let open = RouteAuthorizer(mode: .none)

    /// Whether callers must authenticate.
    var isRequired: Bool {
        if case .none = mode { return false }
        return true
    }

    /// Decides whether a request with `headers`, arriving at `now`, may invoke the route's function.
    func check(_ headers: HTTPFields, now: Date) async -> AuthDecision {
        switch mode {
        case .none:
            return .allowed(.anonymous)
        case .apiKey(let store, let allowed):
            return Self.checkAPIKey(headers, keys: store.keys, allowed: allowed)
        case .jwt(let authorizer):
            return await authorizer.check(headers, now: now)
        case .adminKey(let key):
            guard let header = headers[.authorization], header.hasPrefix("Bearer "),
                !key.key.isEmpty, BearerKey.constantTimeEqual(String(header.dropFirst(7)), key.key)
            else {
                return .denied(
                    .unauthorized(
                        "this function's routes require authentication, so /function/{name} requires the admin key"
                            + " (Authorization: Bearer <admin key>); call the function on its routes instead",
                        reason: "admin_key",
                        challenge: "Bearer"
                    )
                )
            }
            return .allowed(Caller(identity: "admin", authorizer: nil, secretHeader: "authorization"))
        }
    }

    /// The `x-api-key` check: a key of the file, and one the route allows.
    static func checkAPIKey(_ headers: HTTPFields, keys: APIKeys, allowed: Set<String>?) -> AuthDecision {
        let challenge = #"ApiKey header="x-api-key""#
        guard let presented = headers[.apiKey], !presented.isEmpty else {
            return .denied(
                .unauthorized(
                    "this route requires an API key in the x-api-key header",
                    reason: "missing",
                    challenge: challenge
                )
            )
        }
        guard let name = keys.name(of: presented) else {
            return .denied(.unauthorized("the API key is not valid", reason: "invalid", challenge: challenge))
        }
        if let allowed, !allowed.contains(name) {
            return .denied(
                .forbidden(
                    "the API key \"\(name)\" is not allowed on this route",
                    reason: "not_allowed",
                    challenge: challenge
                )
            )
        }
        return .allowed(
            Caller(
                identity: name,
                authorizer: FunctionURLRequest.Authorizer(apiKey: .init(name: name)),
                secretHeader: "x-api-key"
            )
        )
    }
}
