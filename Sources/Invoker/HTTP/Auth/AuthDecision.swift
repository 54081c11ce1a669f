import Runtime

/// What a route's authorizer decided about a request.
enum AuthDecision: Sendable, Equatable {
    /// The caller may invoke the function.
    case allowed(Caller)
    /// The caller may not; the request never reaches a worker.
    case denied(AuthDenial)
}

/// Who an allowed caller is: the name the invocation record keeps, and what the event's
/// `requestContext.authorizer` tells the function.
struct Caller: Sendable, Equatable {
    /// The identity the record keeps: the API key's name, or the JWT's `sub`; nil when the route is open.
    var identity: String?
    /// The event's `requestContext.authorizer`; nil when the route is open.
    var authorizer: FunctionURLRequest.Authorizer?
    /// The header that carried a secret the function must not see (`x-api-key`, or the admin key's
    /// `authorization`), left out of the event; a JWT's `authorization` is passed on, as API Gateway does.
    var secretHeader: String? = nil

    /// The caller of an open route.
    static let anonymous = Caller(identity: nil, authorizer: nil)
}
