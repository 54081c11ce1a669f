import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Invoker

/// AWS Signature Version 4 on the Invoke API, checked against signatures botocore made (botocore 1.43, `SigV4Auth`
/// for `lambda` in `us-east-1` at 2026-12-01T12:00:00Z with the AWS documentation's example key).
@Suite("SigV4 verification")
struct SigV4Tests {
    static let credentials = try! AWSCredentials(
        parsing: """
            # keys for the tests
            [default]
            aws_access_key_id = AKIDEXAMPLE
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

            [profile other]
            aws_access_key_id=AKIDOTHER
            aws_secret_access_key=another-secret
            region = eu-west-1
            """,
        path: "credentials"
    )
    static let signedAt = Date(timeIntervalSince1970: 1_796_126_400)  // 2026-12-01T12:00:00Z
    let verifier = SigV4Verifier(credentials: Self.credentials)

    /// The request botocore signed, with `change` applied to it.
    static func request(
        path: String = "/2015-03-31/functions/greet/invocations",
        query: String = "",
        body: String = #"{"name":"Ada"}"#,
        signature: String = "e5975945d70ceca206a2d21850d17b27878488bf14ba179b5a9b693db95e6f53",
        accessKey: String = "AKIDEXAMPLE",
        change: (inout SigV4Verifier.Request) -> Void = { _ in }
    ) -> SigV4Verifier.Request {
        var headers = HTTPFields()
        headers[.amzInvocationType] = "RequestResponse"
        headers[.contentType] = "application/json"
        headers[.amzDate] = "20261201T120000Z"
        headers[.authorization] =
            "AWS4-HMAC-SHA256 Credential=\(accessKey)/20261201/us-east-1/lambda/aws4_request,"
            + " SignedHeaders=content-type;host;x-amz-date;x-amz-invocation-type, Signature=\(signature)"
        var request = SigV4Verifier.Request(
            method: "POST",
            path: path,
            query: query,
            host: "127.0.0.1:8080",
            headers: headers,
            body: ByteBuffer(string: body)
        )
        change(&request)
        return request
    }

    @Test("a request signed by botocore with a configured key is accepted, and names its key")
    func valid() throws {
        let key = try verifier.verify(Self.request(), now: Self.signedAt)
        #expect(key.profile == "default")
    }

    @Test("a percent-encoded ARN in the path and a query are signed as botocore signs them")
    func encodedPath() throws {
        let request = Self.request(
            path: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Agreet/invocations",
            query: "Qualifier=%24LATEST",
            body: "{}",
            signature: "673bcb9bf988fc11ecfda31fe4b733a12b8b48e67afe374e28170c6ba07fd639"
        )
        try verifier.verify(request, now: Self.signedAt)
    }

    @Test("within 15 minutes either way the signature is valid; past them it is expired or not yet current")
    func clockSkew() throws {
        try verifier.verify(Self.request(), now: Self.signedAt + 14 * 60)
        try verifier.verify(Self.request(), now: Self.signedAt - 14 * 60)
        #expect(throws: SigV4Error.self) { try verifier.verify(Self.request(), now: Self.signedAt + 16 * 60) }
        #expect(throws: SigV4Error.self) { try verifier.verify(Self.request(), now: Self.signedAt - 16 * 60) }
    }

    @Test("an attacker's changes are caught: body, path, a signed header, the host, or a forged signature")
    func tampering() {
        let tampered: [SigV4Verifier.Request] = [
            Self.request(body: #"{"name":"Eve"}"#),
            Self.request(path: "/2015-03-31/functions/admin/invocations"),
            Self.request { $0.headers[.amzInvocationType] = "Event" },
            Self.request { $0.host = "127.0.0.1:9999" },
            Self.request(signature: String(repeating: "0", count: 64)),
            Self.request { $0.headers[.amzContentSHA256] = String(repeating: "a", count: 64) },
        ]
        for request in tampered {
            #expect(throws: SigV4Error.self) { try verifier.verify(request, now: Self.signedAt) }
            do {
                try verifier.verify(request, now: Self.signedAt)
            } catch {
                guard case .invalid = error else {
                    Issue.record("expected an invalid signature, got \(error)")
                    continue
                }
                #expect(error.invokeAPIError.type == "InvalidSignatureException")
                #expect(error.invokeAPIError.status == .forbidden)
            }
        }
    }

    @Test("a key not in the file is UnrecognizedClientException; another profile's key with this signature is invalid")
    func keys() {
        #expect(throws: SigV4Error.unknownKey) {
            try verifier.verify(Self.request(accessKey: "AKIDNOBODY"), now: Self.signedAt)
        }
        #expect(SigV4Error.unknownKey.invokeAPIError.type == "UnrecognizedClientException")
        #expect(throws: SigV4Error.self) {
            try verifier.verify(Self.request(accessKey: "AKIDOTHER"), now: Self.signedAt)
        }
    }

    @Test("a missing or malformed Authorization header, or a missing X-Amz-Date, is refused with what is wrong")
    func malformed() {
        #expect(throws: SigV4Error.missing) {
            try verifier.verify(Self.request { $0.headers[.authorization] = nil }, now: Self.signedAt)
        }
        for header in [
            "Bearer abc",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 SignedHeaders=host", "AWS4-HMAC-SHA256 garbage",
        ] {
            #expect(throws: SigV4Error.self, "\(header)") {
                try verifier.verify(Self.request { $0.headers[.authorization] = header }, now: Self.signedAt)
            }
        }
        #expect(throws: SigV4Error.self) {
            try verifier.verify(Self.request { $0.headers[.amzDate] = nil }, now: Self.signedAt)
        }
        #expect(throws: SigV4Error.self) {
            try verifier.verify(Self.request { $0.headers[.amzDate] = "20261399T999999Z" }, now: Self.signedAt)
        }
    }

    @Test("the header's date and signature, and X-Amz-Date's fields, are ASCII digits only, not other digits or a sign")
    func asciiDigits() {
        let signature = "e5975945d70ceca206a2d21850d17b27878488bf14ba179b5a9b693db95e6f53"
        // "0" -> "０", "a" -> "ａ": the fullwidth forms Character.isHexDigit accepts.
        let fullwidth = String(signature.unicodeScalars.map { Character(Unicode.Scalar($0.value + 0xFEE0)!) })
        for header in [
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/２０２６１２０１/us-east-1/lambda/aws4_request,"
                + " SignedHeaders=host;x-amz-date, Signature=\(signature)",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/lambda/aws4_request,"
                + " SignedHeaders=host;x-amz-date, Signature=\(fullwidth)",
        ] {
            #expect(throws: SigV4Error.self) { try SigV4Authorization(header: header) }
        }
        #expect(SigV4Verifier.date("20261201T120000Z") != nil)
        #expect(SigV4Verifier.date("2026+1+1T120000Z") == nil)
        #expect(SigV4Verifier.date("2026-1-1T120000Z") == nil)
    }

    @Test("a credentials file with a stray line, or with no complete profile, is refused naming the file and line")
    func credentialsFile() {
        #expect(Self.credentials.keys.count == 2)
        #expect(Self.credentials.keys["AKIDOTHER"]?.profile == "other")
        do {
            _ = try AWSCredentials(parsing: "[default]\naws_access_key_id = A\nnot a setting\n", path: "creds")
            Issue.record("a stray line was accepted")
        } catch {
            #expect(error.message == #"creds, line 3: expected "[profile]" or "name = value", found "not a setting""#)
        }
        do {
            _ = try AWSCredentials(parsing: "[default]\naws_access_key_id = A\n", path: "creds")
            Issue.record("a profile without a secret was accepted")
        } catch {
            #expect(error.message.contains("no profile has both"))
        }
    }
}

/// The Invoke API behind `--invoke-credentials`, end to end: a caller without a valid signature never reaches the
/// function; the admin key (what `invoker invoke` sends) is accepted instead of a signature.
@Suite("SigV4 on the Invoke API, end to end")
struct SigV4EndToEndTests {
    @Test("unsigned and forged calls get Lambda's 403 and run nothing; the admin key is let through")
    func guarded() async throws {
        let environment = try TestEnvironment(functions: ["greet": ["handler": "greet"]])
        defer { environment.remove() }
        let path = "/2015-03-31/functions/greet/invocations"
        let body = ByteBuffer(string: #"{"name":"Ada"}"#)
        let signed: (inout ServerConfiguration) -> Void = { $0.invokeCredentials = SigV4Tests.credentials }
        try await environment.withInvoker(configure: signed) { client in
            let unsigned = try await client.execute(uri: path, method: .post, body: body)
            #expect(unsigned.status == .forbidden)
            #expect(unsigned.headers[.amznErrorType] == "MissingAuthenticationTokenException")
            let forged = try await client.execute(
                uri: path,
                method: .post,
                headers: [
                    .authorization:
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/lambda/aws4_request,"
                        + " SignedHeaders=host;x-amz-date, Signature=\(String(repeating: "0", count: 64))",
                    .amzDate: "20261201T120000Z",
                ],
                body: body
            )
            #expect(forged.status == .forbidden)
            #expect(forged.headers[.amznErrorType] == "InvalidSignatureException")
            let wrongKey = try await client.execute(
                uri: path,
                method: .post,
                headers: [.authorization: "Bearer not-the-admin-key"],
                body: body
            )
            #expect(wrongKey.status == .forbidden)
            let admin = try await client.execute(
                uri: path,
                method: .post,
                headers: TestEnvironment.adminHeaders,
                body: body
            )
            #expect(admin.status == .ok)
            #expect(String(buffer: admin.body) == #"{"greeting":"Hello, Ada!"}"#)
        }
        let records = try await environment.records()
        #expect(records.count == 1, "only the admin's call ran")
    }
}
