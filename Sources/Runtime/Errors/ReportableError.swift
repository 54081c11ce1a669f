/// An error that chooses the type and message the invoker records when a handler throws it.
///
/// Other errors are reported with their type's name and their description.
///
/// ```swift
/// struct ValidationError: ReportableError {
///     var field: String
///     var errorMessage: String { "\(field) must not be empty" }
/// }
/// ```
public protocol ReportableError: Error {
    /// The error's type as the invoker records it (`errorType`).
    var errorType: String { get }
    /// A message saying what went wrong (`errorMessage`).
    var errorMessage: String { get }
}

extension ReportableError {
    /// The name of the error's type.
    public var errorType: String { String(describing: Self.self) }
}
