import Foundation
import HTTPTypes

/// The manifest's routes as a tree of path segments, built in time linear in the number of routes and matched in time
/// proportional to the path's segments.
///
/// A route's path has literal segments, `{name}` parameters (one segment) and a final greedy `{name+}` (one segment
/// or more). A path matches the most specific route as API Gateway picks it: at each segment a literal before a
/// parameter before a greedy parameter, and among the routes matching the path the first that takes the method. A
/// path that routes match, none for the method, is a `405` with the methods they take.
///
/// ```swift
/// var table = RouteTable<String>()
/// table.insert("/users/{id}", methods: [.get], "show")
/// table.match("/users/42", method: .get)  // .matched("show", parameters: ["id": "42"])
/// ```
struct RouteTable<Value: Sendable>: Sendable {
    /// What a path and method match.
    enum Match {
        /// A route: its value and its parameters, percent-decoded.
        case matched(Value, parameters: [String: String])
        /// Routes match the path, none with the method; the methods they take, sorted.
        case wrongMethod(allow: [HTTPRequest.Method])
        /// No route matches the path.
        case notFound
    }

    /// A route at the end of a path: its parameter names by segment position, and its value per method.
    private struct Endpoint: Sendable {
        /// The route's path, whose `{…}` segments name the parameters.
        var template: [Substring]
        /// The value for each method the route takes; `any` for a route that takes every method.
        var methods: [HTTPRequest.Method: Value] = [:]
        /// The value for every method not in `methods`.
        var any: Value?
    }

    /// One segment's position in the tree.
    private struct Node: Sendable {
        /// The routes that end here.
        var endpoints: [Endpoint] = []
        /// The routes whose greedy parameter starts here.
        var greedy: [Endpoint] = []
        /// The following literal segments.
        var literals: [Substring: Node] = [:]
        /// The following `{name}` segment, at most one node whatever the names (as the only element).
        var parameter: [Node] = []
    }

    private var root = Node()

    /// Adds a route: `methods` nil takes every method. A route of the same shape (parameter names aside) shares its
    /// node with the others; the manifest's checks guarantee that no two take one method.
    mutating func insert(_ path: String, methods: [HTTPRequest.Method]?, _ value: Value) {
        let segments = path.split(separator: "/")
        Self.insert(value, methods: methods, template: segments, at: segments[...], into: &root)
    }

    private static func insert(
        _ value: Value,
        methods: [HTTPRequest.Method]?,
        template: [Substring],
        at rest: ArraySlice<Substring>,
        into node: inout Node
    ) {
        guard let segment = rest.first else {
            add(value, methods: methods, template: template, to: &node.endpoints)
            return
        }
        if segment.hasPrefix("{") && segment.hasSuffix("+}") {
            add(value, methods: methods, template: template, to: &node.greedy)
        } else if segment.hasPrefix("{") {
            if node.parameter.isEmpty { node.parameter.append(Node()) }
            insert(value, methods: methods, template: template, at: rest.dropFirst(), into: &node.parameter[0])
        } else {
            insert(
                value,
                methods: methods,
                template: template,
                at: rest.dropFirst(),
                into: &node.literals[segment, default: Node()]
            )
        }
    }

    /// Adds a route to the endpoints of one node; routes whose parameters are named alike share one endpoint.
    private static func add(
        _ value: Value,
        methods: [HTTPRequest.Method]?,
        template: [Substring],
        to endpoints: inout [Endpoint]
    ) {
        let index =
            endpoints.firstIndex { $0.template == template }
            ?? {
                endpoints.append(Endpoint(template: template))
                return endpoints.count - 1
            }()
        guard let methods else {
            endpoints[index].any = value
            return
        }
        for method in methods { endpoints[index].methods[method] = value }
    }

    /// The route `path` and `method` match.
    func match(_ path: String, method: HTTPRequest.Method) -> Match {
        let segments = path.split(separator: "/")
        var allowed: Set<HTTPRequest.Method> = []
        var found: (Value, Endpoint)?
        Self.search(root, segments[...]) { endpoint in
            if let value = endpoint.methods[method] ?? endpoint.any {
                found = (value, endpoint)
                return true
            }
            allowed.formUnion(endpoint.any == nil ? Array(endpoint.methods.keys) : HTTPRequest.Method.routable)
            return false
        }
        if let (value, endpoint) = found {
            return .matched(value, parameters: Self.parameters(of: endpoint.template, in: segments))
        }
        guard !allowed.isEmpty else { return .notFound }
        return .wrongMethod(allow: allowed.sorted { $0.rawValue < $1.rawValue })
    }

    /// Offers `visit` the endpoints matching `rest` below `node`, most specific first, until it returns true.
    @discardableResult
    private static func search(_ node: Node, _ rest: ArraySlice<Substring>, _ visit: (Endpoint) -> Bool) -> Bool {
        guard let segment = rest.first else { return node.endpoints.contains(where: visit) }
        if let literal = node.literals[segment], search(literal, rest.dropFirst(), visit) { return true }
        if let parameter = node.parameter.first, search(parameter, rest.dropFirst(), visit) { return true }
        return node.greedy.contains(where: visit)
    }

    /// The values of a route's parameters in a matching path's segments, percent-decoded.
    private static func parameters(of template: [Substring], in segments: [Substring]) -> [String: String] {
        var parameters: [String: String] = [:]
        for (index, segment) in template.enumerated() where segment.hasPrefix("{") {
            if segment.hasSuffix("+}") {
                let value = segments[index...].joined(separator: "/")
                parameters[String(segment.dropFirst().dropLast(2))] = value.removingPercentEncoding ?? value
            } else {
                let value = String(segments[index])
                parameters[String(segment.dropFirst().dropLast())] = value.removingPercentEncoding ?? value
            }
        }
        return parameters
    }
}

extension HTTPRequest.Method {
    /// Every method a route can take; a route without `methods` takes all of them.
    static let routable: [Self] = [.get, .post, .put, .patch, .delete, .head, .options]
}
