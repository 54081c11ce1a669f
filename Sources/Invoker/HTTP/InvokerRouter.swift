import HTTPTypes
import Hummingbird

/// The invoker's routes: the manifest's routes first (``FunctionRoutes``), then the router's, with every error the
/// router would answer without a body answered as an ``EdgeError`` instead: an unknown path is `404`, a known path
/// with a method it does not take is `405` with `Allow` (Hummingbird's router says `404` for both), an error thrown
/// past the routes is `500`; each with a JSON body, and on the Invoke API's paths with `x-amzn-ErrorType`.
///
/// ```swift
/// Application(router: InvokerRouter(functionRoutes: functionRoutes, router: router), …)
/// ```
struct InvokerRouter: HTTPResponderBuilder {
    /// The manifest's routes, matched before the router's.
    let functionRoutes: FunctionRoutes
    /// The invoker's own routes.
    let router: Router<InvokerRequestContext>

    func buildResponder() -> Responder {
        let routes = router.buildResponder()
        // The router keeps its routes to itself; its trie answers which methods a path takes.
        let methods = Mirror(reflecting: routes).descendant("trie") as? any RouteMethods
        return Responder(functionRoutes: functionRoutes, routes: routes, methods: methods)
    }

    /// Answers with the manifest's routes or the router's, replacing the router's bodiless errors.
    struct Responder: HTTPResponder {
        /// The manifest's routes.
        let functionRoutes: FunctionRoutes
        /// The router's own responder.
        let routes: RouterResponder<InvokerRequestContext>
        /// The methods of each path; nil when they cannot be known (every wrong method is then `404`).
        let methods: (any RouteMethods)?

        func respond(to request: Request, context: InvokerRequestContext) async throws -> Response {
            let path = request.uri.path
            let response: Response
            do {
                if let response = try await functionRoutes.respond(to: request, context: context) { return response }
                response = try await routes.respond(to: request, context: context)
            } catch {
                return EdgeError(
                    status: .internalServerError,
                    errorType: "InternalError",
                    message: "the invoker failed to answer \(request.method.rawValue) \(path)"
                ).response(path: path)
            }
            guard response.status.code >= 400, response.body.contentLength == 0 else { return response }
            guard context.coreContext.endpointPath.value == "NotFound" else {
                var replaced = EdgeError(
                    status: response.status,
                    errorType: response.status.reasonPhrase.filter { $0 != " " },
                    message: response.status.reasonPhrase
                ).response(path: path)
                for field in response.headers where replaced.headers[field.name] == nil {
                    replaced.headers.append(field)
                }
                return replaced
            }
            let allowed = methods?.methods(of: path) ?? []
            guard !allowed.isEmpty else { return EdgeError.notFound(request.method, path).response(path: path) }
            return EdgeError.methodNotAllowed(request.method, path, allow: allowed).response(path: path)
        }
    }
}

/// Knows the methods a path is routed for.
protocol RouteMethods: Sendable {
    /// The methods `path` is routed for, in a stable order; empty when no route matches it.
    func methods(of path: String) -> [HTTPRequest.Method]
}

extension RouterTrie: RouteMethods {
    func methods(of path: String) -> [HTTPRequest.Method] {
        guard let (endpoint, _) = resolve(path),
            let methods = Mirror(reflecting: endpoint).descendant("methods") as? [HTTPRequest.Method: Any]
        else { return [] }
        return methods.keys.sorted { $0.rawValue < $1.rawValue }
    }
}
