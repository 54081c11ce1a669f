import Testing

@testable import Runtime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Typed handler adapter")
struct CodableAdapterTests {
    struct Person: Decodable {
        var name: String
    }

    struct Greeting: Encodable {
        var greeting: String
    }

    private let greet = ClosureHandler { (person: Person, _: Context) in
        Greeting(greeting: "Hello, \(person.name)!")
    }

    @Test func decodesAPlainJSONEvent() async throws {
        let reports = try await invoke(self.greet, with: [#"{"name":"Ada"}"#])
        #expect(reports == [.response(requestID: "request-1", body: #"{"greeting":"Hello, Ada!"}"#)])
    }

    @Test func decodesTheEventFromAnHTTPRequestBody() async throws {
        let request = Self.httpRequest(body: #""{\"name\":\"Ada\"}""#, isBase64Encoded: false)
        let reports = try await invoke(self.greet, with: [request])
        #expect(reports == [.response(requestID: "request-1", body: #"{"greeting":"Hello, Ada!"}"#)])
    }

    @Test func decodesTheEventFromABase64HTTPRequestBody() async throws {
        // {"name":"Ada"}
        let request = Self.httpRequest(body: #""eyJuYW1lIjoiQWRhIn0=""#, isBase64Encoded: true)
        let reports = try await invoke(self.greet, with: [request])
        #expect(reports == [.response(requestID: "request-1", body: #"{"greeting":"Hello, Ada!"}"#)])
    }

    @Test func reportsAnHTTPRequestWithoutBody() async throws {
        let reports = try await invoke(self.greet, with: [Self.httpRequest(body: "null", isBase64Encoded: false)])
        let expected = FunctionError(
            type: "Runtime.InvalidEvent",
            message: "The HTTP request has no body; expected a JSON Person"
        )
        #expect(reports == [.error(requestID: "request-1", expected)])
    }

    @Test func reportsAnHTTPRequestBodyThatDoesNotDecode() async throws {
        let reports = try await invoke(self.greet, with: [Self.httpRequest(body: #""{}""#, isBase64Encoded: false)])
        let expected = FunctionError(
            type: "Runtime.InvalidEvent",
            message: "The HTTP request body is not a valid Person: missing field 'name'"
        )
        #expect(reports == [.error(requestID: "request-1", expected)])
    }

    @Test func reportsAnInvalidBase64Body() async throws {
        let reports = try await invoke(self.greet, with: [Self.httpRequest(body: #""%%%""#, isBase64Encoded: true)])
        let expected = FunctionError(
            type: "Runtime.InvalidEvent",
            message: "The HTTP request body is marked base64-encoded but is not valid base64"
        )
        #expect(reports == [.error(requestID: "request-1", expected)])
    }

    @Test func decodesAnEventThatOnlyLooksLikeAnHTTPRequest() async throws {
        struct Versioned: Decodable {
            var version: String
            var body: String
        }
        let echo = ClosureHandler { (event: Versioned, _: Context) in event.body }
        let reports = try await invoke(echo, with: [#"{"version":"2.0","body":"kept","requestContext":{}}"#])
        #expect(reports == [.response(requestID: "request-1", body: #""kept""#)])
    }

    @Test func givesAnHTTPHandlerTheWholeRequest() async throws {
        let path = ClosureHandler { (request: FunctionURLRequest, _: Context) in
            FunctionURLResponse(text: "\(request.requestContext.http.method) \(request.rawPath) \(request.body ?? "")")
        }
        let reports = try await invoke(path, with: [Self.httpRequest(body: #""{}""#, isBase64Encoded: false)])
        guard case .response(_, let body) = try #require(reports.first) else {
            Issue.record("expected a response, got \(reports)")
            return
        }
        let response = try JSONDecoder().decode(FunctionURLResponse.self, from: Data(body.utf8))
        #expect(response == FunctionURLResponse(text: "POST /greet {}"))
    }

    /// A Function URL payload 2.0 event for `POST /greet`; `body` is the JSON for the body field.
    static func httpRequest(body: String, isBase64Encoded: Bool) -> String {
        """
        {"version":"2.0","routeKey":"POST /greet","rawPath":"/greet","rawQueryString":"",\
        "headers":{"content-type":"application/json"},\
        "requestContext":{"accountId":"000000000000","apiId":"greet","domainName":"localhost",\
        "domainPrefix":"localhost","http":{"method":"POST","path":"/greet","protocol":"HTTP/1.1",\
        "sourceIp":"127.0.0.1","userAgent":"test"},"requestId":"request-1","routeKey":"POST /greet",\
        "stage":"$default","time":"12/Mar/2020:19:03:58 +0000","timeEpoch":1584039838000},\
        "body":\(body),"isBase64Encoded":\(isBase64Encoded)}
        """
    }
}
