import Foundation
import NIOCore
import Testing

@testable import Runtime

/// `requestContext.authorizer` of Function URL events: decoded from API Gateway's JSON, and carried by the native
/// transport.
@Suite("Authorizer in HTTP events")
struct AuthorizerEventTests {
    /// An event as API Gateway sends it, with `authorizer` (JSON text) in its request context.
    static func json(authorizer: String?) -> String {
        let member = authorizer.map { #", "authorizer": \#($0)"# } ?? ""
        return #"""
            {"version": "2.0", "routeKey": "GET /orders", "rawPath": "/orders", "rawQueryString": "",
             "headers": {"authorization": "Bearer x"}, "isBase64Encoded": false,
             "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": "localhost",
               "domainPrefix": "localhost", "requestId": "r1", "routeKey": "GET /orders", "stage": "$default",
               "time": "12/Mar/2020:19:03:58 +0000", "timeEpoch": 1583348638390,
               "http": {"method": "GET", "path": "/orders", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                        "userAgent": ""}\#(member)}}
            """#
    }

    @Test("a handler reads the JWT's claims and scopes, or the API key's name")
    func decoding() throws {
        let jwtJSON =
            #"{"jwt": {"claims": {"sub": "user-42", "exp": "1796126400", "groups": "[a b]"}, "scopes": null}}"#
        let request = try JSONDecoder().decode(FunctionURLRequest.self, from: Data(Self.json(authorizer: jwtJSON).utf8))
        let jwt = try #require(request.requestContext.authorizer?.jwt)
        #expect(jwt.claims["sub"] == "user-42")
        #expect(jwt.claims["exp"] == "1796126400")
        #expect(jwt.scopes == nil)
        #expect(request.requestContext.authorizer?.apiKey == nil)

        let scoped = #"{"jwt": {"claims": {}, "scopes": ["read", "write"]}}"#
        let request1 = try JSONDecoder().decode(FunctionURLRequest.self, from: Data(Self.json(authorizer: scoped).utf8))
        #expect(request1.requestContext.authorizer?.jwt?.scopes == ["read", "write"])

        let keyed = #"{"apiKey": {"name": "ci"}}"#
        let request2 = try JSONDecoder().decode(FunctionURLRequest.self, from: Data(Self.json(authorizer: keyed).utf8))
        #expect(request2.requestContext.authorizer?.apiKey?.name == "ci")

        let open = try JSONDecoder().decode(FunctionURLRequest.self, from: Data(Self.json(authorizer: nil).utf8))
        #expect(open.requestContext.authorizer == nil)
    }

    @Test("scopes are written as null when absent, as API Gateway writes them")
    func encoding() throws {
        let jwt = FunctionURLRequest.Authorizer.JWT(claims: ["sub": "u"], scopes: nil)
        let text = String(decoding: try JSONEncoder().encode(jwt), as: UTF8.self)
        #expect(text.contains(#""scopes":null"#))
    }

    @Test("the native transport carries the authorizer, and reads a request written without one")
    func native() throws {
        var request = NativeHTTPEventTests.request
        for authorizer in [
            FunctionURLRequest.Authorizer(jwt: .init(claims: ["sub": "u", "exp": "1"], scopes: ["read"])),
            FunctionURLRequest.Authorizer(jwt: .init(claims: [:], scopes: nil)),
            FunctionURLRequest.Authorizer(apiKey: .init(name: "ci")),
            nil,
        ] {
            request.requestContext.authorizer = authorizer
            var buffer = ByteBuffer()
            buffer.writeFunctionURLRequest(request)
            #expect(try buffer.readFunctionURLRequest() == request)
            #expect(buffer.readableBytes == 0)
        }
        // An older writer's request ends before the authorizer: it has none.
        request.requestContext.authorizer = nil
        var buffer = ByteBuffer()
        buffer.writeFunctionURLRequest(request)
        buffer.moveWriterIndex(to: buffer.writerIndex - 1)
        #expect(try buffer.readFunctionURLRequest() == request)
    }
}
