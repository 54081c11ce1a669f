import Testing

@testable import Runtime

@Suite("Function URL request conveniences")
struct FunctionURLRequestTests {
    @Test func bodyBytesOfATextBody() throws {
        #expect(try Self.request(body: "héllo", isBase64Encoded: false).bodyBytes == Array("héllo".utf8))
    }

    @Test func bodyBytesOfABase64Body() throws {
        #expect(try Self.request(body: "AP8QgA==", isBase64Encoded: true).bodyBytes == [0x00, 0xFF, 0x10, 0x80])
    }

    @Test func bodyBytesWithoutBody() throws {
        #expect(try Self.request(body: nil, isBase64Encoded: false).bodyBytes == [])
    }

    @Test func bodyBytesOfAnInvalidBase64Body() {
        #expect(throws: FunctionError.self) {
            try Self.request(body: "%%%", isBase64Encoded: true).bodyBytes
        }
    }

    @Test func headerLookupIgnoresCase() {
        var request = Self.request(body: nil, isBase64Encoded: false)
        request.headers = ["content-type": "text/plain", "X-Mixed-Case": "yes"]
        #expect(request.header("Content-Type") == "text/plain")
        #expect(request.header("x-mixed-case") == "yes")
        #expect(request.header("accept") == nil)
    }

    static func request(body: String?, isBase64Encoded: Bool) -> FunctionURLRequest {
        FunctionURLRequest(
            routeKey: "$default",
            rawPath: "/",
            rawQueryString: "",
            cookies: nil,
            headers: [:],
            queryStringParameters: nil,
            pathParameters: nil,
            requestContext: FunctionURLRequest.RequestContext(
                accountId: "000000000000",
                apiId: "test",
                domainName: "localhost",
                domainPrefix: "localhost",
                http: FunctionURLRequest.HTTP(
                    method: "POST",
                    path: "/",
                    protocol: "HTTP/1.1",
                    sourceIp: "127.0.0.1",
                    userAgent: "test"
                ),
                requestId: "request-1",
                routeKey: "$default",
                stage: "$default",
                time: "12/Mar/2020:19:03:58 +0000",
                timeEpoch: 1_584_039_838_000
            ),
            body: body,
            isBase64Encoded: isBase64Encoded
        )
    }
}
