import Foundation
import Hummingbird
import NIOCore
import Runtime

/// The HTTP triggers: every manifest route, and `/function/{name}[/…]` for every function, any method. Each request
/// becomes a Function URL (payload 2.0) event for the function's worker.
///
/// The manifest's routes are matched by a ``RouteTable`` before the router sees the request (their paths never
/// overlap the invoker's own, which the manifest reserves); `/function/{name}` is a route of the router.
struct FunctionRoutes: Sendable {
    /// A manifest route, as a table entry.
    struct Route: Sendable {
        /// The function it triggers.
        var function: String
        /// The event's `routeKey`: `GET /items/{id}`, or `ANY /items/{id}` for a route that takes every method.
        var key: String
        /// Who may call it.
        var authorizer: RouteAuthorizer
    }

    /// Runs and records the invocations, on the functions its catalog serves now.
    let dispatcher: Dispatcher

    /// The routes of the functions `dispatcher`'s catalog serves.
    init(dispatcher: Dispatcher) {
        self.dispatcher = dispatcher
    }

    /// Each route's authentication, and the admin key on the generic paths of functions whose routes authenticate.
    private var authorizers: RouteAuthorizers { dispatcher.catalog.deployment.authorizers }

    /// The table of `manifest`'s routes, each guarded by its authorizer in `authorizers`.
    static func table(of manifest: Manifest, authorizers: RouteAuthorizers) -> RouteTable<Route> {
        var table = RouteTable<Route>()
        for function in manifest.functions {
            for (index, route) in function.routes.enumerated() {
                let authorizer = authorizers.route(function.name, index)
                guard let methods = route.methods else {
                    let key = "ANY \(route.path)"
                    table.insert(
                        route.path,
                        methods: nil,
                        Route(function: function.name, key: key, authorizer: authorizer)
                    )
                    continue
                }
                for method in methods.compactMap(HTTPRequest.Method.init(rawValue:)) {
                    let key = "\(method.rawValue) \(route.path)"
                    table.insert(
                        route.path,
                        methods: [method],
                        Route(function: function.name, key: key, authorizer: authorizer)
                    )
                }
            }
        }
        return table
    }

    /// Answers a request for a manifest route (or its `405`); nil when no manifest route matches its path.
    func respond(to request: Request, context: InvokerRequestContext) async throws -> Response? {
        switch dispatcher.catalog.deployment.routes.match(request.uri.path, method: request.method) {
        case .notFound:
            return nil
        case .wrongMethod(let allow):
            return EdgeError.methodNotAllowed(request.method, request.uri.path, allow: allow)
                .response(path: request.uri.path)
        case .matched(let route, let parameters):
            do {
                return try await handle(
                    request,
                    context: context,
                    function: route.function,
                    rawPath: request.uri.path,
                    routeKey: route.key,
                    pathParameters: parameters,
                    authorizer: route.authorizer
                )
            } catch let error as any HTTPResponseError {
                return try error.response(from: request, context: context)
            }
        }
    }

    /// Adds `/function/{name}[/…]` to `router`.
    func register(on router: Router<InvokerRequestContext>) {
        for method in HTTPRequest.Method.routable {
            for path in ["/function/{name}", "/function/{name}/**"] {
                router.on(RouterPath(path), method: method) { request, context in
                    let name = try context.parameters.require("name")
                    let prefix = "/function/\(name)"
                    let rest = request.uri.path.dropFirst(min(prefix.utf8.count, request.uri.path.count))
                    return try await self.handle(
                        request,
                        context: context,
                        function: name,
                        rawPath: rest.isEmpty ? "/" : String(rest),
                        routeKey: "$default",
                        pathParameters: [:],
                        authorizer: authorizers.generic(name)
                    )
                }
            }
        }
    }

    private func handle(
        _ request: Request,
        context: InvokerRequestContext,
        function: String,
        rawPath: String,
        routeKey: String,
        pathParameters: [String: String],
        authorizer: RouteAuthorizer
    ) async throws -> Response {
        // An unknown function is a 404 before its body is read; so is a refused caller.
        _ = try dispatcher.pool(named: function)
        var caller = Caller.anonymous
        if authorizer.isRequired {
            switch await authorizer.check(request.headers, now: Date()) {
            case .allowed(let allowed):
                caller = allowed
            case .denied(let denial):
                let id = dispatcher.ids.next()
                dispatcher.recordDenial(denial, function: function, id: id, trigger: .http)
                return denial.response(requestID: id)
            }
        }
        let body = try await request.collectedBody(upTo: context.maxUploadSize)
        let id = dispatcher.ids.next()
        var event = FunctionURLRequest(
            request: request,
            body: body,
            rawPath: rawPath,
            routeKey: routeKey,
            pathParameters: pathParameters,
            requestID: id,
            apiID: function,
            sourceIP: context.remoteAddress?.ipAddress ?? "127.0.0.1",
            epochMs: EpochTime.nowMs()
        )
        event.requestContext.authorizer = caller.authorizer
        if let secret = caller.secretHeader { event.headers[secret] = nil }
        let result = try await dispatcher.invoke(
            InvocationRequest(function: function, id: id, event: .http(event), trigger: .http, caller: caller.identity)
        )
        let response = await Response.functionURL(result.execution, invocationID: result.id)
        result.finish(httpStatus: response.status.code)
        return response
    }
}

extension Request {
    /// The whole body, or a 413 error naming the limit when it is larger than `limit` bytes.
    func collectedBody(upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw InvokerError(.payloadTooLarge, "the request body is larger than the limit of \(limit) bytes")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw InvokerError(.payloadTooLarge, "the request body is larger than the limit of \(limit) bytes")
        }
    }
}
