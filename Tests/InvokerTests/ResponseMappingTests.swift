import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import Invoker

@Suite("Function URL response mapping")
struct ResponseMappingTests {
    @Test("a bare JSON or string result is a 200 application/json body")
    func bareResults() {
        for body in [#"{"greeting":"hi"}"#, #""just a string""#, "[1,2]", "not json at all"] {
            let response = Response.functionURLResponse(ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
        }
    }

    @Test("a structured result maps status, headers and cookies, and decodes a base64 body")
    func structured() {
        let response = Response.functionURLResponse(
            ByteBuffer(
                string:
                    #"{"statusCode":404,"headers":{"x-a":"b"},"cookies":["c=1","d=2"],"body":"aGk=","isBase64Encoded":true}"#
            )
        )
        #expect(response.status == .notFound)
        #expect(response.headers[.init("x-a")!] == "b")
        #expect(response.headers[values: .setCookie] == ["c=1", "d=2"])
        #expect(response.headers[.contentLength] == "2")
    }

    @Test("an invalid status code or base64 body is a 502 naming the problem")
    func invalidResults() {
        let status = Response.functionURLResponse(ByteBuffer(string: #"{"statusCode":42}"#))
        #expect(status.status == .badGateway)
        let base64 = Response.functionURLResponse(
            ByteBuffer(string: #"{"statusCode":200,"body":"%%%","isBase64Encoded":true}"#)
        )
        #expect(base64.status == .badGateway)
    }

    @Test("timeouts, crashes and throttling map to 504, 502 and 429 with Retry-After")
    func failures() {
        let timeout = Response(failure: .timedOut(after: .milliseconds(1500), invocationID: "id"))
        #expect(timeout.status == .gatewayTimeout)
        let crash = Response(failure: .crashed(.signaled(9), invocationID: "id"))
        #expect(crash.status == .badGateway)
        let throttled = Response(failure: .rejected(InvokerError(.throttled, "busy")))
        #expect(throttled.status == .tooManyRequests && throttled.headers[.retryAfter] == "1")
        #expect(
            InvocationFailure.timedOut(after: .milliseconds(1500), invocationID: "id").message
                == "Task timed out after 1.50 seconds"
        )
        #expect(InvocationFailure.crashMessage(.signaled(9)).contains("signal 9 (SIGKILL)"))
    }
}
