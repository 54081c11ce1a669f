import HTTPTypes

extension HTTPField.Name {
    /// `x-amzn-RequestId`: the invocation's id, on every function and Invoke API answer.
    static let amznRequestID = Self("x-amzn-RequestId")!
    /// `x-amzn-ErrorType`: the exception name of an Invoke API service error.
    static let amznErrorType = Self("x-amzn-ErrorType")!
    /// `X-Amz-Function-Error`: marks an Invoke API answer whose payload is the function's error.
    static let amzFunctionError = Self("x-amz-function-error")!
    /// `X-Amz-Executed-Version`: the version an Invoke API call ran.
    static let amzExecutedVersion = Self("x-amz-executed-version")!
    /// `X-Amz-Invocation-Type`: `RequestResponse`, `Event` or `DryRun`.
    static let amzInvocationType = Self("x-amz-invocation-type")!
    /// `X-Amz-Log-Type`: `Tail` asks for the log tail.
    static let amzLogType = Self("x-amz-log-type")!
    /// `X-Amz-Log-Result`: the base64 log tail.
    static let amzLogResult = Self("x-amz-log-result")!
    /// `X-Amz-Client-Context`: the base64 client context.
    static let amzClientContext = Self("x-amz-client-context")!
    /// `X-Amz-Date`: when a SigV4 signature was made, `yyyyMMdd'T'HHmmss'Z'`.
    static let amzDate = Self("x-amz-date")!
    /// `X-Amz-Content-SHA256`: the hash of the body a SigV4 signature covers.
    static let amzContentSHA256 = Self("x-amz-content-sha256")!
    /// `X-Callback-Url`: where an asynchronous invocation's result is posted.
    static let callbackURL = Self("X-Callback-Url")!
    /// `X-Function-Name`: the function of a callback.
    static let functionName = Self("X-Function-Name")!
    /// `X-Function-Status`: how a callback's invocation ended.
    static let functionStatus = Self("X-Function-Status")!
    /// `X-Invocation-Id`: the invocation of a callback.
    static let invocationID = Self("X-Invocation-Id")!
    /// `X-Message-Id`: the queued message of a callback.
    static let messageID = Self("X-Message-Id")!
    /// `X-Attempt`: the delivery attempt of a callback.
    static let attempt = Self("X-Attempt")!
    /// `x-api-key`: the key a caller presents on a route with `{"apiKey": {}}` auth.
    static let apiKey = Self("x-api-key")!
}
