/// A failure to talk to the invoker's Runtime API.
struct RuntimeClientError: Error, CustomStringConvertible {
    /// What kind of failure.
    enum Code: Sendable, Equatable {
        /// The invoker closed the connection; the worker is done.
        case connectionClosed
        /// The invoker answered with a status the Runtime API does not allow for that request.
        case unexpectedStatus
        /// The invoker's answer lacks something the Runtime API requires.
        case malformedResponse
    }

    /// What kind of failure.
    var code: Code
    /// What was wrong, naming the request.
    var message: String

    var description: String { self.message }

    static func connectionClosed(during request: String) -> Self {
        Self(code: .connectionClosed, message: "The Runtime API closed the connection during \(request)")
    }
}
