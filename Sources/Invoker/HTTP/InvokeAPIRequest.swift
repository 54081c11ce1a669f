import Foundation
import Hummingbird

/// What an Invoke API request asks for, read from its path, query and headers (the body is read separately).
///
/// SigV4 headers (`Authorization`, `X-Amz-Date`, `X-Amz-Security-Token`, `X-Amz-Content-Sha256`) are accepted and
/// not checked: an invoker without an API key trusts whoever can reach it, so SDKs work with any credentials.
struct InvokeAPIRequest: Sendable {
    /// How the caller wants the function invoked (`X-Amz-Invocation-Type`).
    enum InvocationType: String, Sendable {
        /// Synchronously: the caller waits for the result.
        case requestResponse = "RequestResponse"
        /// Asynchronously: queued, the caller gets 202 at once.
        case event = "Event"
        /// Only validate the request: 204.
        case dryRun = "DryRun"
    }

    /// The function, with the qualifier of the path or of the `Qualifier` query parameter.
    var function: FunctionIdentifier
    /// How to invoke it.
    var invocationType: InvocationType
    /// Whether the caller asked for the end of the log in `X-Amz-Log-Result` (`X-Amz-Log-Type: Tail`).
    var tailLog: Bool
    /// The client context, base64-decoded from `X-Amz-Client-Context`, for the worker's
    /// `Lambda-Runtime-Client-Context`.
    var clientContext: String?

    /// Reads the request whose `{name}` path parameter is `parameter`; throws the service error Lambda would answer.
    init(_ request: Request, parameter: String) throws(InvokeAPIError) {
        let decoded = parameter.removingPercentEncoding ?? parameter
        guard var function = FunctionIdentifier(parsing: decoded) else {
            throw .validation(
                "functionName",
                decoded,
                "Member must be a function name, a partial ARN (ACCOUNT:function:NAME) or an ARN"
                    + " (arn:aws:lambda:REGION:ACCOUNT:function:NAME), optionally followed by :QUALIFIER"
            )
        }
        if let query = request.uri.queryParameters.get("Qualifier") {
            if let inName = function.qualifier, inName != query {
                throw InvokeAPIError(
                    type: "InvalidParameterValueException",
                    status: .badRequest,
                    message: "The derived qualifier from the function name \"\(inName)\" does not match the"
                        + " Qualifier parameter \"\(query)\""
                )
            }
            function.qualifier = query
        }
        self.function = function

        let typeHeader = request.headers[.amzInvocationType] ?? InvocationType.requestResponse.rawValue
        guard let invocationType = InvocationType(rawValue: typeHeader) else {
            throw .validation(
                "invocationType",
                typeHeader,
                "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
            )
        }
        self.invocationType = invocationType

        let logType = request.headers[.amzLogType] ?? "None"
        guard logType == "None" || logType == "Tail" else {
            throw .validation("logType", logType, "Member must satisfy enum value set: [Tail, None]")
        }
        self.tailLog = logType == "Tail"

        if let encoded = request.headers[.amzClientContext] {
            guard let data = Data(base64Encoded: encoded),
                (try? JSONSerialization.jsonObject(with: data)) is [String: Any],
                let text = String(data: data, encoding: .utf8)
            else {
                throw .invalidContent("X-Amz-Client-Context must be a base64-encoded JSON object")
            }
            self.clientContext = text
        }
    }
}
