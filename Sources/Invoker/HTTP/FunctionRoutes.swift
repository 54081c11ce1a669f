import Foundation
import Hummingbird
import NIOCore
import Runtime

/// The HTTP triggers: every manifest route, and `/function/{name}[/…]` for every function, any method. Each request
/// becomes a Function URL (payload 2.0) event for the function's worker.
struct FunctionRoutes: Sendable {
    /// Every method a route without `methods` accepts.
    static let allMethods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete, .head, .options]

    /// The functions and their routes.
    let manifest: Manifest
    /// Runs and records the invocations.
    let dispatcher: Dispatcher
    /// Each route's authentication, and the admin key on the generic paths of functions whose routes authenticate.
    var authorizers = RouteAuthorizers.open

    /// Adds the routes to `router`.
    func register(on router: Router<InvokerRequestContext>) {
        for function in manifest.functions {
            for (index, route) in function.routes.enumerated() {
                let authorizer = authorizers.route(function.name, index)
                let methods =
                    route.methods.map { $0.compactMap { HTTPRequest.Method(rawValue: $0) } } ?? Self.allMethods
                for method in methods {
                    let key = route.methods == nil ? "ANY \(route.path)" : "\(method.rawValue) \(route.path)"
                    router.on(RouterPath(Self.routerPath(route.path)), method: method) { request, context in
                        try await self.handle(
                            request,
                            context: context,
                            function: function.name,
                            rawPath: request.uri.path,
                            routeKey: key,
                            pathParameters: Self.parameters(of: route.path, in: context),
                            authorizer: authorizer
                        )
                    }
                }
            }
        }
        for method in Self.allMethods {
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

    /// The Hummingbird path of a manifest route: `{name}` stays a parameter, a final `{name+}` becomes `**`.
    static func routerPath(_ path: String) -> String {
        path.split(separator: "/").map { $0.hasSuffix("+}") ? "**" : String($0) }.reduce("") { $0 + "/" + $1 }
            .nonEmpty ?? "/"
    }

    /// The values of a route's `{name}` and `{name+}` segments, percent-decoded.
    static func parameters(of path: String, in context: InvokerRequestContext) -> [String: String] {
        var parameters: [String: String] = [:]
        for segment in path.split(separator: "/") where segment.hasPrefix("{") {
            if segment.hasSuffix("+}") {
                let value = context.parameters.getCatchAll().joined(separator: "/")
                parameters[String(segment.dropFirst().dropLast(2))] = value.removingPercentEncoding ?? value
            } else {
                let name = String(segment.dropFirst().dropLast())
                let value = context.parameters.get(name) ?? ""
                parameters[name] = value.removingPercentEncoding ?? value
            }
        }
        return parameters
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

extension String {
    /// The string, or nil when it is empty.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
