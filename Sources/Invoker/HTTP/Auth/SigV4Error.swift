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
}
