import Foundation

extension InvocationFormatter {
    /// Whether text written to standard output should be coloured: only when it is a terminal, and neither
    /// `NO_COLOR` is set to a non-empty value (https://no-color.org) nor `TERM` is `dumb`.
    static func usesColors(
        isTerminal: Bool = isatty(STDOUT_FILENO) == 1,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Bool {
        isTerminal && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// `text` in the colour of `status` when the formatter uses colours: green for success, red for an error, bold
    /// red for a crash, yellow for a timeout, magenta for a throttled invocation, cyan
    /// for a refused caller.
    func colored(_ text: String, as status: InvocationRecord.Status) -> String {
        guard colors else { return text }
        let code =
            switch status {
            case .success: "32"
            case .error: "31"
            case .crash: "1;31"
            case .timeout: "33"
            case .throttled: "35"
            case .unauthorized: "36"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
