import Foundation
import Hummingbird
import NIOCore

/// Lets through only Invoke API requests signed with AWS Signature Version 4 by one of the configured keys; the
/// others get Lambda's 403 errors (`x-amzn-ErrorType` `InvalidSignatureException`, `UnrecognizedClientException`,
/// …), which AWS SDKs raise by those names. The admin key (`Authorization: Bearer`) is accepted too: `invoker invoke`
/// sends it, and whoever holds it controls the invoker anyway.
struct SigV4Middleware<Context: RequestContext>: RouterMiddleware {
    /// The signature check.
    let verifier: SigV4Verifier
    /// The admin key, accepted instead of a signature; nil accepts signatures only.
    let adminKey: BearerKey?

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        if adminKey?.isPresented(in: request) == true {
            return try await next(request, context)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectedBody(upTo: Invocation.maxPayloadBytes)
        } catch let error as InvokerError {
            return InvokeAPIError(error).response(requestID: UUID().uuidString.lowercased())
        }
        let path = request.head.path ?? "/"
        let query = path.firstIndex(of: "?")
        let signed = SigV4Verifier.Request(
            method: request.method.rawValue,
            path: String(path[..<(query ?? path.endIndex)]),
            query: query.map { String(path[path.index(after: $0)...]) } ?? "",
            host: request.head.authority ?? "",
            headers: request.headers,
            body: body
        )
        do {
            try verifier.verify(signed, now: Date())
        } catch {
            return error.invokeAPIError.response(requestID: UUID().uuidString.lowercased())
        }
        request.body = RequestBody(buffer: body)
        return try await next(request, context)
    }
}
