import ArgumentParser
import Foundation

/// `invoker logs`: lists recorded invocations newest first, shows one in full with its captured output, or follows
/// the log as invocations are recorded.
///
/// ```
/// invoker logs --function hello --errors --limit 50
/// invoker logs 0193a5e2-7c4
/// invoker logs --last --function hello
/// invoker logs --follow --json | jq .duration_ms
/// ```
struct Logs: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Show recorded invocations, newest first, or one invocation in full.",
        discussion: """
            Without an ID, lists invocations as a table, or as JSON objects one per line (NDJSON) with --json. \
            With an ID, or a prefix of one that matches a single invocation, shows that invocation's whole record \
            and its captured output; --last shows the newest matching invocation that way. --follow prints the \
            matching invocations oldest first, then each new one as it is recorded, until interrupted (Ctrl-C). \
            Times given to --since and --until are ISO-8601 (2025-01-31T12:00:00Z), local dates and times \
            (2025-01-31, 2025-01-31 12:00), or durations ago (90s, 15m, 2h, 7d). Statuses are coloured when the \
            output is a terminal and NO_COLOR is not set.
            """
    )

    /// The invocation to show in full.
    @Argument(help: "Show this invocation in full: its id, or a prefix of it that matches one invocation.")
    var id: String?

    /// The log to read: the SQLite file or the shared database.
    @OptionGroup var source: InvocationLogOptions

    /// Keep only invocations of a function, a trigger or a time range.
    @OptionGroup var selection: InvocationSelection

    /// Keep only invocations with one of these statuses.
    @Option(help: "Only invocations that ended with this status; repeat for several.")
    var status: [InvocationRecord.Status] = []

    /// The most invocations listed.
    @Option(help: "Show at most this many invocations.")
    var limit = 20

    /// Keep only failed invocations.
    @Flag(
        help: "Only failed invocations: every status but success (error, timeout, crash, throttled, unauthorized)."
    )
    var errors = false

    /// Show the newest matching invocation in full.
    @Flag(help: "Show the newest matching invocation in full, as with an ID.")
    var last = false

    /// Keep printing invocations as they are recorded.
    @Flag(
        name: .shortAndLong,
        help: "Print the matching invocations oldest first, then each new one as it is recorded."
    )
    var follow = false

    /// Print JSON instead of text.
    @Flag(help: "Print JSON: one object per invocation, one per line.")
    var json = false

    /// Read a running invoker's admin API instead of the database file.
    @Option(help: ArgumentHelp("Read a running invoker's admin API instead of the database.", valueName: "url"))
    var url: String?

    /// The admin API key, with --url.
    @Option(help: "The admin API key for --url (default: INVOKER_API_KEY, else the file .invoker/admin.key).")
    var apiKey: String?

    /// The filter the options describe.
    var filter: InvocationFilter {
        InvocationFilter(
            function: selection.function,
            statuses: Set(status).union(errors ? InvocationRecord.Status.failures : []),
            trigger: selection.trigger,
            since: selection.since,
            until: selection.until
        )
    }

    /// Rejects a limit below 1, filters or --last or --follow given with an ID, and --last with --follow (the
    /// selection options validate themselves).
    func validate() throws {
        guard limit > 0 else {
            throw ValidationError("--limit must be at least 1, not \(limit).")
        }
        guard id == nil || (filter.isEmpty && !last && !follow) else {
            throw ValidationError(
                "--function, --status, --errors, --trigger, --since, --until, --last and --follow select from the "
                    + "listing; they can't be combined with an invocation ID."
            )
        }
        guard url == nil || !follow else {
            throw ValidationError(
                "--follow reads the log itself: give --db where the invoker writes its log, or --database."
            )
        }
        guard !(last && follow) else {
            throw ValidationError("--last shows one invocation and --follow streams them: use one or the other.")
        }
    }

    /// Reads the log and prints the listing, the record, or the stream of new records.
    func run() async throws {
        let formatter = InvocationFormatter(colors: !json && InvocationFormatter.usesColors())
        if let url {
            let text = try await output(from: AdminClient(url: url, apiKey: apiKey), formatter: formatter)
            if !text.isEmpty { print(text) }
            return
        }
        try await source.withStore { store in
            guard follow else {
                let text = try await output(from: store, formatter: formatter)
                if !text.isEmpty {
                    print(text)
                }
                return
            }
            // Unbuffered, so that each record shows up as soon as it is read, in a pipe too.
            try await stream(from: store, formatter: formatter) { text in
                FileHandle.standardOutput.write(Data((text + "\n").utf8))
            }
        }
    }

    /// What the command prints, read from `store`, unless it follows the log: empty for an empty JSON listing.
    func output(from store: some InvocationSource, formatter: InvocationFormatter) async throws -> String {
        if let id {
            let record = try await store.record(idOrPrefix: id)
            return json ? try formatter.json(record) : formatter.detail(record)
        }
        let records = try await store.list(filter: filter, limit: last ? 1 : limit)
        if json {
            return try records.map(formatter.json).joined(separator: "\n")
        }
        if records.isEmpty {
            return filter.isEmpty ? "No invocations recorded yet." : "No invocations match the filters."
        }
        return last ? formatter.detail(records[0]) : formatter.table(records)
    }

    /// Reads a time given on the command line: ISO-8601 with a time zone (`2025-01-31T12:00:00Z`, optionally with
    /// fractional seconds), a local date or date and time (`2025-01-31`, `2025-01-31 12:00`, `2025-01-31T12:00:05`),
    /// or a duration before `now` (`90s`, `15m`, `2h`, `7d`).
    static func parseTime(_ text: String, now: Date = Date(), timeZone: TimeZone = .current) throws -> Date {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount >= 0 {
            return now.addingTimeInterval(-amount * unit)
        }
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
            if let date = try? style.parse(text) {
                return date
            }
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = timeZone
        for format in [
            "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss",
        ] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                return date
            }
        }
        throw ValidationError(
            "'\(text)' is not a time: use ISO-8601 (2025-01-31T12:00:00Z), a local date or time "
                + "(2025-01-31, 2025-01-31 12:00), or a duration ago (90s, 15m, 2h, 7d)."
        )
    }
}

extension InvocationRecord.Status: ExpressibleByArgument {}

extension InvocationRecord.Trigger: ExpressibleByArgument {}
