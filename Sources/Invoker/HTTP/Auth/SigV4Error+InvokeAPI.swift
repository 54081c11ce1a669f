import HTTPTypes

extension SigV4Error {
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
