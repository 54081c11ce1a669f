import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOFoundationCompat
import Runtime
import Testing

@testable import Invoker

@Suite("The manifest's route table")
struct RouteTableTests {
    /// The value a path and method match, with its parameters; nil for no match.
    private func matched(
        _ table: RouteTable<String>,
        _ method: HTTPRequest.Method,
        _ path: String
    ) -> (String, [String: String])? {
        guard case .matched(let value, let parameters) = table.match(path, method: method) else { return nil }
        return (value, parameters)
    }

    @Test("a literal wins over a parameter, a parameter over a greedy parameter")
    func specificity() {
        var table = RouteTable<String>()
        table.insert("/users/me", methods: nil, "me")
        table.insert("/users/{id}", methods: nil, "user")
        table.insert("/users/{rest+}", methods: nil, "rest")
        #expect(matched(table, .get, "/users/me")?.0 == "me")
        #expect(matched(table, .get, "/users/42")?.0 == "user")
        #expect(matched(table, .get, "/users/42")?.1 == ["id": "42"])
        #expect(matched(table, .get, "/users/42/posts")?.0 == "rest")
        #expect(matched(table, .get, "/users/42/posts")?.1 == ["rest": "42/posts"])
        // A greedy parameter takes one segment or more, as API Gateway's {proxy+}.
        guard case .notFound = table.match("/users", method: .get) else {
            Issue.record("/users matched a route")
            return
        }
    }

    @Test("a literal that leads nowhere gives way to a parameter")
    func backtracking() {
        var table = RouteTable<String>()
        table.insert("/a/{x}/c", methods: nil, "literal first")
        table.insert("/{y}/b/d", methods: nil, "parameter first")
        #expect(matched(table, .get, "/a/b/c")?.0 == "literal first")
        #expect(matched(table, .get, "/a/b/d")?.0 == "parameter first")
        #expect(matched(table, .get, "/a/b/d")?.1 == ["y": "a"])
    }

    @Test("the most specific route that takes the method answers; 405 lists the methods of every matching route")
    func methods() {
        var table = RouteTable<String>()
        table.insert("/files/{name}", methods: [.put], "put")
        table.insert("/files/{rest+}", methods: [.get], "get")
        #expect(matched(table, .put, "/files/a")?.0 == "put")
        #expect(matched(table, .get, "/files/a")?.0 == "get")
        #expect(matched(table, .get, "/files/a")?.1 == ["rest": "a"])
        guard case .wrongMethod(let allow) = table.match("/files/a", method: .delete) else {
            Issue.record("DELETE /files/a was not a 405")
            return
        }
        #expect(allow == [.get, .put])
    }

    @Test("routes name the parameters of one position as they like, and parameters are percent-decoded")
    func parameterNames() {
        var table = RouteTable<String>()
        table.insert("/users/{id}", methods: [.get], "user")
        table.insert("/users/{name}/posts", methods: nil, "posts")
        table.insert("/{x}", methods: [.get], "x")
        table.insert("/{y}", methods: [.post], "y")
        #expect(matched(table, .get, "/users/a%20b")?.1 == ["id": "a b"])
        #expect(matched(table, .get, "/users/ada/posts")?.1 == ["name": "ada"])
        #expect(matched(table, .get, "/top")?.1 == ["x": "top"])
        #expect(matched(table, .post, "/top")?.1 == ["y": "top"])
    }

    @Test("the root and trailing slashes")
    func root() {
        var table = RouteTable<String>()
        table.insert("/", methods: nil, "root")
        table.insert("/hello", methods: nil, "hello")
        #expect(matched(table, .get, "/")?.0 == "root")
        #expect(matched(table, .get, "/hello/")?.0 == "hello")
        guard case .notFound = table.match("/hello/there", method: .get) else {
            Issue.record("/hello/there matched a route")
            return
        }
    }

    @Test("20,000 top-level routes side by side each find their function")
    func manyFlatRoutes() {
        var table = RouteTable<String>()
        for index in 0..<10_000 {
            table.insert("/r\(index)", methods: nil, "f\(index % 50)")
            table.insert("/r\(index)/{id}", methods: [.get], "f\(index % 50)")
        }
        for index in stride(from: 0, to: 10_000, by: 997) {
            #expect(matched(table, .post, "/r\(index)")?.0 == "f\(index % 50)")
            #expect(matched(table, .get, "/r\(index)/7")?.1 == ["id": "7"])
        }
    }
}

@Suite("Manifest routes, end to end")
struct ManifestRoutingTests {
    @Test("routes that name one position's parameter differently, and a parameter beside a greedy one, all serve")
    func routesSideBySide() async throws {
        let environment = try TestEnvironment(functions: [
            "a": TestEnvironment.fixture(
                "event",
                ["http": [["path": "/{x}", "methods": ["GET"]], ["path": "/files/{name}", "methods": ["PUT"]]]]
            ),
            "b": TestEnvironment.fixture(
                "event",
                ["http": [["path": "/{y}", "methods": ["POST"]], ["path": "/files/{rest+}", "methods": ["GET"]]]]
            ),
        ])
        defer { environment.remove() }
        try await environment.withInvoker { client in
            for (method, path, routeKey, parameters) in [
                (HTTPRequest.Method.get, "/top", "GET /{x}", ["x": "top"]),
                (.post, "/top", "POST /{y}", ["y": "top"]),
                (.put, "/files/a", "PUT /files/{name}", ["name": "a"]),
                (.get, "/files/a/b", "GET /files/{rest+}", ["rest": "a/b"]),
            ] {
                let response = try await client.execute(uri: path, method: method)
                #expect(response.status == .ok, "\(method) \(path)")
                let event = try JSONDecoder().decode(FunctionURLRequest.self, from: response.body)
                #expect(event.routeKey == routeKey)
                #expect(event.pathParameters == parameters)
            }
            let wrongMethod = try await client.execute(uri: "/files/a", method: .delete)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET, PUT")
        }
    }
}
