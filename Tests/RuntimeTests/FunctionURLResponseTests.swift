import Testing

@testable import Runtime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Function URL response conveniences")
struct FunctionURLResponseTests {
    @Test func textBodyIsPlainText() {
        let response = FunctionURLResponse(statusCode: 404, text: "no such page")
        #expect(response.statusCode == 404)
        #expect(response.headers == ["content-type": "text/plain; charset=utf-8"])
        #expect(response.body == "no such page")
        #expect(response.isBase64Encoded == nil)
    }

    @Test func jsonBodyIsEncoded() throws {
        let response = try FunctionURLResponse(statusCode: 201, json: ["path": "/orders/7"])
        #expect(response.statusCode == 201)
        #expect(response.headers == ["content-type": "application/json"])
        #expect(response.body == #"{"path":"/orders/7"}"#)
    }

    @Test func binaryBodyIsBase64() {
        let response = FunctionURLResponse(bytes: [0x00, 0xFF, 0x10, 0x80], contentType: "image/png")
        #expect(response.headers == ["content-type": "image/png"])
        #expect(response.body == "AP8QgA==")
        #expect(response.isBase64Encoded == true)
    }

    @Test func contentTypeInHeadersWins() {
        let response = FunctionURLResponse(headers: ["Content-Type": "text/html", "x-id": "1"], text: "<p>hi</p>")
        #expect(response.headers == ["Content-Type": "text/html", "x-id": "1"])
    }

    @Test func encodesOnlyTheFieldsThatAreSet() throws {
        let json = try JSONEncoder().encode(FunctionURLResponse(statusCode: 204))
        #expect(String(decoding: json, as: UTF8.self) == #"{"statusCode":204}"#)
    }
}
