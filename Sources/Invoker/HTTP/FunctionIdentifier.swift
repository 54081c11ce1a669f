/// The function an Invoke API request names, in any of the forms Lambda accepts: a name (`greet`), a partial ARN
/// (`000000000000:function:greet`) or a full ARN (`arn:aws:lambda:us-east-1:000000000000:function:greet`), each
/// optionally followed by `:QUALIFIER` (a version or an alias).
///
/// ```swift
/// let identifier = FunctionIdentifier(parsing: "arn:aws:lambda:us-east-1:000000000000:function:greet:$LATEST")
/// // identifier?.name == "greet", identifier?.qualifier == "$LATEST"
/// ```
///
/// The region and account of an ARN are not checked: an invoker serves one account's functions, whatever it is
/// called in the caller's configuration.
struct FunctionIdentifier: Sendable, Equatable {
    /// The function's name.
    var name: String
    /// The version or alias after the name, if any.
    var qualifier: String?

    /// The one qualifier the invoker serves: functions have no published versions or aliases.
    static let latest = "$LATEST"

    /// Parses a percent-decoded function name or ARN; nil when it has none of the accepted forms.
    init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let name: String
        var qualifier: String?
        if parts.count <= 2 {
            name = parts[0]
        } else if (3...4).contains(parts.count), parts[1] == "function" {
            name = parts[2]
        } else if (7...8).contains(parts.count), parts[0] == "arn", parts[2] == "lambda", parts[5] == "function" {
            name = parts[6]
        } else {
            return nil
        }
        if parts.count.isMultiple(of: 2) { qualifier = parts.last }
        guard Self.isValidName(name), qualifier.map(Self.isValidQualifier) ?? true else { return nil }
        self.name = name
        self.qualifier = qualifier
    }

    /// The function's ARN as the invoker reports it, with the qualifier when there is one.
    var arn: String {
        WorkerLaunch.arn(of: name) + (qualifier.map { ":\($0)" } ?? "")
    }

    /// 1–64 letters, digits, `-` and `_`.
    private static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { $0.isNameCharacter }
    }

    /// `$LATEST`, or 1–128 letters, digits, `-` and `_` (a version number or an alias).
    private static func isValidQualifier(_ qualifier: String) -> Bool {
        qualifier == latest
            || ((1...128).contains(qualifier.utf8.count) && qualifier.utf8.allSatisfy { $0.isNameCharacter })
    }
}

extension UInt8 {
    /// Whether the byte is an ASCII letter, digit, `-` or `_`.
    fileprivate var isNameCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }
}
