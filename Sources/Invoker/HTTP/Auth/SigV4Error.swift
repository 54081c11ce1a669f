import HTTPTypes

/// Why a request failed AWS Signature Version 4 verification, named as Lambda names it so that AWS SDKs raise the
/// same exceptions (`botocore.exceptions.ClientError` with these codes).
enum SigV4Error: Error, Sendable, Equatable {
    /// No `Authorization` header (`MissingAuthenticationTokenException`).
    case missing
    /// The header or `X-Amz-Date` is malformed (`IncompleteSignatureException`).
    case incomplete(String)
    /// The access key id is not one of the configured keys (`UnrecognizedClientException`).
    case unknownKey
    /// The signature does not match, or is outside the clock-skew window (`InvalidSignatureException`).
    case invalid(String)

    /// The Invoke API error the caller gets: always 403, as Lambda answers.
    var invokeAPIError: InvokeAPIError {
        switch self {
        case .missing:
            InvokeAPIError(
                type: "MissingAuthenticationTokenException",
                status: .forbidden,
                message: "Missing Authentication Token"
            )
        case .incomplete(let message):
            InvokeAPIError(type: "IncompleteSignatureException", status: .forbidden, message: message)
        case .unknownKey:
            InvokeAPIError(
                type: "UnrecognizedClientException",
                status: .forbidden,
                message: "The security token included in the request is invalid."
            )
        case .invalid(let message):
            InvokeAPIError(type: "InvalidSignatureException", status: .forbidden, message: message)
        }
    }
}
