import Foundation

/// Renders invocation records for `invoker logs`: an aligned table or `key: value` lines for people, one JSON object
/// per record for scripts.
///
/// ```swift
/// let formatter = InvocationFormatter(colors: InvocationFormatter.usesColors())
/// print(formatter.table(records))
/// ```
struct InvocationFormatter {
    /// Formats times as people read them: local time, to the millisecond.
    private let timeFormatter: DateFormatter
    /// Encodes records as JSON with snake_case keys and ISO-8601 times.
    let encoder: JSONEncoder
    /// Whether text output colours statuses with ANSI escape sequences; JSON is never coloured.
    let colors: Bool

    /// Creates a formatter that shows times in `timeZone` (the system's by default) and colours statuses when
    /// `colors` is on (see ``usesColors(isTerminal:environment:)``).
    init(timeZone: TimeZone = .current, colors: Bool = false) {
        self.colors = colors
        timeFormatter = DateFormatter()
        timeFormatter.locale = Locale(identifier: "en_US_POSIX")
        timeFormatter.calendar = Calendar(identifier: .gregorian)
        timeFormatter.timeZone = timeZone
        timeFormatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        // Not `Date.ISO8601FormatStyle`: it truncates fractional seconds, so a time stored as 40.123 s, which the
        // nearest Double puts a hair below, would print as 40.122.
        let iso8601 = DateFormatter()
        iso8601.locale = Locale(identifier: "en_US_POSIX")
        iso8601.calendar = Calendar(identifier: .gregorian)
        iso8601.timeZone = TimeZone(identifier: "UTC")
        iso8601.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(iso8601.string(from: date))
        }
    }

    /// `date` as `yyyy-MM-dd HH:mm:ss.SSS` in the formatter's time zone.
    func time(_ date: Date) -> String {
        timeFormatter.string(from: date)
    }

    /// A number of milliseconds with two decimals below 100 and one from there on.
    func milliseconds(_ value: Double) -> String {
        String(format: value < 100 ? "%.2f" : "%.1f", value)
    }
}
