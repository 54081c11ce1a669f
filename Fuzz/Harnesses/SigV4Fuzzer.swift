import Crypto
import Foundation
import HTTPTypes
import NIOCore

/// The key the harness's requests are checked against: the AWS documentation's example.
private let key = AWSCredentials.Key(
    profile: "default",
    accessKeyID: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)
private let verifier = SigV4Verifier(credentials: AWSCredentials(keys: [key.accessKeyID: key]))

/// Reads the input as lines: an `Authorization` header, an `X-Amz-Date`, a path, a query and, after them, the body.
///
/// Properties: the header parser either parses or throws `SigV4Error.incomplete`; a parsed header has a 64-digit
/// lower-case signature, lower-case signed header names including `host` and an 8-digit date, and written out again
/// it parses to the same fields. The verifier never traps and either accepts or throws; when the header is re-signed
/// with the right key for the request as it stands, the verifier accepts it, and with one digit changed it refuses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSigV4(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    var lines = text.split(separator: "\n", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
    lines += Array(repeating: "", count: max(0, 5 - lines.count))
    let header = lines[0]
    let authorization: SigV4Authorization
    do {
        authorization = try SigV4Authorization(header: header)
    } catch {
        guard case .incomplete(let message) = error, !message.isEmpty else {
            fail("the parser threw \(error) for \(header.debugDescription)")
        }
        return 0
    }
    checkParsed(authorization, header: header)

    var request = SigV4Verifier.Request(
        method: "POST",
        path: lines[2],
        query: lines[3],
        host: "127.0.0.1:8080",
        headers: [.authorization: header],
        body: ByteBuffer(string: lines[4])
    )
    if !lines[1].isEmpty { request.headers[.amzDate] = lines[1] }
    // The date as the header holds it: HTTPFields takes out what a field value may not contain.
    let now = request.headers[.amzDate].flatMap(SigV4Verifier.date) ?? Date(timeIntervalSince1970: 1_796_126_400)
    do {
        let accepted = try verifier.verify(request, now: now)
        check(accepted == key, "the verifier accepted another key: \(accepted)")
    } catch {}
    checkResigned(authorization, request: request, now: now)
    return 0
}

/// A parsed header's fields are well formed and survive being written out and parsed again.
private func checkParsed(_ authorization: SigV4Authorization, header: String) {
    check(
        authorization.signature.utf8.count == 64
            && authorization.signature.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            },
        "signature \(authorization.signature.debugDescription) of \(header.debugDescription)"
    )
    check(authorization.date.utf8.count == 8, "date \(authorization.date.debugDescription)")
    check(authorization.signedHeaders.contains("host"), "signed headers \(authorization.signedHeaders)")
    check(
        authorization.signedHeaders.allSatisfy { !$0.isEmpty && $0 == $0.lowercased() },
        "signed headers \(authorization.signedHeaders) of \(header.debugDescription)"
    )
    check(
        !authorization.accessKeyID.isEmpty && !authorization.region.isEmpty && !authorization.service.isEmpty,
        "an empty part of the scope in \(header.debugDescription)"
    )
    let written = serialize(authorization)
    do {
        let reparsed = try SigV4Authorization(header: written)
        check(
            reparsed == authorization,
            "\(header.debugDescription) -> \(written.debugDescription) -> \(reparsed)"
        )
    } catch {
        fail("\(header.debugDescription) written out as \(written.debugDescription) fails: \(error)")
    }
}

/// Signed with the configured key for `request` as it stands, the header is accepted (when its date is a valid
/// `X-Amz-Date` that it signs); with one digit of the signature changed, it is refused.
private func checkResigned(_ parsed: SigV4Authorization, request: SigV4Verifier.Request, now: Date) {
    guard let amzDate = request.headers[.amzDate], SigV4Verifier.date(amzDate) != nil else { return }
    var authorization = parsed
    authorization.accessKeyID = key.accessKeyID
    authorization.service = SigV4Verifier.service
    authorization.date = String(amzDate.prefix(8))
    // The Authorization header cannot sign itself: it changes when the signature goes in.
    authorization.signedHeaders.removeAll { $0 == "authorization" }
    if !authorization.signedHeaders.contains("x-amz-date") { authorization.signedHeaders.append("x-amz-date") }
    var request = request
    // HTTPFields makes a value legal by replacing control characters; the check needs the header as written.
    request.headers[.authorization] = serialize(authorization)
    guard request.headers[.authorization] == serialize(authorization) else { return }
    let payloadHash = Hex.lowercase(Array(SHA256.hash(data: Data(request.body.readableBytesView))))
    authorization.signature = SigV4Verifier.signature(
        canonicalRequest: SigV4Verifier.canonicalRequest(
            request,
            signedHeaders: authorization.signedHeaders,
            payloadHash: payloadHash
        ),
        amzDate: amzDate,
        authorization: authorization,
        secret: key.secretAccessKey
    )
    request.headers[.authorization] = serialize(authorization)
    do {
        try verifier.verify(request, now: now)
    } catch {
        fail("a correctly signed request is refused (\(error)): \(request)")
    }
    let first = authorization.signature.first!
    authorization.signature = (first == "0" ? "1" : "0") + authorization.signature.dropFirst()
    request.headers[.authorization] = serialize(authorization)
    do {
        try verifier.verify(request, now: now)
        fail("a request with a changed signature is accepted: \(request)")
    } catch {
        guard case .invalid = error else { fail("a changed signature gives \(error)") }
    }
}

/// The header as botocore writes it.
private func serialize(_ authorization: SigV4Authorization) -> String {
    "\(SigV4Authorization.algorithm) Credential=\(authorization.accessKeyID)/\(authorization.scope),"
        + " SignedHeaders=\(authorization.signedHeaders.joined(separator: ";")), Signature=\(authorization.signature)"
}
