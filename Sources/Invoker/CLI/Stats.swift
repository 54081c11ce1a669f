import ArgumentParser
import Foundation

/// `invoker stats`: per-function counts, error rate, cold-start share and latency percentiles from the invocation
/// log.
///
/// ```
/// invoker stats --since 1h
/// invoker stats --function hello --json | jq .duration_p99_ms
/// ```
struct Stats: AsyncParsableCommand {
    /// The command's name and help.
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show per-function statistics: invocations, errors, cold starts, duration percentiles.",
        discussion: """
            For each function with matching invocations: how many there were; how many ended with an error, a \
            timeout, a crash or throttled; the error rate (errors / invocations); the cold-start share; the 50th, \
            95th and 99th percentiles of the duration, and the medians of the cold-start init duration and of the \
            wait for a worker. Percentiles are nearest-rank: the smallest recorded value that at least p% of the \
            values are less than or equal to. Durations and waits count the invocations that reached a worker (all \
            but throttled ones). With --json, prints one JSON object per function, one per line (NDJSON), with \
            snake_case keys, rates from 0 to 1 and times in milliseconds. Times are given as for `invoker logs`.
            """
    )

    /// The log to read: the SQLite file or the shared database.
    @OptionGroup var source: InvocationLogOptions

    /// Count only invocations of a function, a trigger or a time range.
    @OptionGroup var selection: InvocationSelection

    /// Print JSON instead of text.
    @Flag(help: "Print JSON: one object per function, one per line.")
    var json = false

    /// The filter the options describe.
    var filter: InvocationFilter {
        InvocationFilter(
            function: selection.function,
            trigger: selection.trigger,
            since: selection.since,
            until: selection.until
        )
    }

    /// Reads the log and prints the statistics.
    func run() async throws {
        let text = try await source.withStore { store in
            try await output(from: store, formatter: InvocationFormatter())
        }
        if !text.isEmpty {
            print(text)
        }
    }

    /// What the command prints, read from `store`: empty for JSON when nothing matches.
    func output(from store: some InvocationStore, formatter: InvocationFormatter) async throws -> String {
        let statistics = try await store.statistics(filter: filter)
        if json {
            return try statistics.map(formatter.json).joined(separator: "\n")
        }
        if statistics.isEmpty {
            return filter.isEmpty ? "No invocations recorded yet." : "No invocations match the filters."
        }
        return formatter.table(statistics)
    }
}
