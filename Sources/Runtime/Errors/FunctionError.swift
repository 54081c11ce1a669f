/// An error as reported to the invoker: `{"errorType": …, "errorMessage": …}`.
///
/// Throw one from a handler to choose the reported type and message:
///
/// ```swift
/// throw FunctionError(type: "NotFound", message: "no image named \(key)")
/// ```
public struct FunctionError: ReportableError, Codable, Sendable, Equatable, CustomStringConvertible {
    /// The error's type, for example `FixtureError` or `Runtime.HandlerNotFound`.
    public var errorType: String
    /// What went wrong.
    public var errorMessage: String

    /// Creates an error with a type and a message.
    public init(type: String, message: String) {
        self.errorType = type
        self.errorMessage = message
    }

    /// Describes any error the way the invoker reports it.
    ///
    /// A ``ReportableError`` keeps its type and message; any other error is reported with the name of its type and
    /// its description.
    public init(_ error: any Error) {
        if let error = error as? any ReportableError {
            self.init(type: error.errorType, message: error.errorMessage)
        } else {
            self.init(type: String(describing: type(of: error)), message: String(describing: error))
        }
    }

    /// `errorType: errorMessage`.
    public var description: String { "\(self.errorType): \(self.errorMessage)" }
}
