import ArgumentParser
import Foundation
import GRDB
import Testing

@testable import Invoker

@Suite("invoker logs: --errors, --last, colours and bad options", .everyStorage)
struct LogsOptionsTests {
    /// Formats times in UTC so that expected output does not depend on the machine.
    let formatter = InvocationFormatter(timeZone: TimeZone(identifier: "UTC")!)

    @Test("--errors lists the failed invocations of every kind, and adds to --status")
    func errors() async throws {
        try await withRecords(InvocationFixtures.variedRecords(count: 30)) { store, records in
            let output = try await Logs.parse(["--errors", "--json", "--limit", "100"])
                .output(from: store, formatter: formatter)
            let statuses = try output.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["status"]
                    as? String
            }
            #expect(statuses.count == records.filter { $0.status != .success }.count)
            #expect(Set(statuses) == ["error", "timeout", "crash", "throttled", "unauthorized"])

            let command = try Logs.parse(["--errors", "--status", "success"])
            #expect(command.filter.statuses == Set(InvocationRecord.Status.allCases))
        }
    }

    @Test("--last shows the newest matching invocation in full, as text or JSON")
    func last() async throws {
        try await withRecords(InvocationFixtures.variedRecords(count: 30)) { store, records in
            let newest = try #require(records.last)
            #expect(
                try await Logs.parse(["--last"]).output(from: store, formatter: formatter)
                    == formatter.detail(newest)
            )
            let newestCrash = try #require(records.last { $0.status == .crash && $0.function == "resize" })
            #expect(
                try await Logs.parse(["--last", "--status", "crash", "--function", "resize", "--json"])
                    .output(from: store, formatter: formatter) == formatter.json(newestCrash)
            )
            #expect(
                try await Logs.parse(["--last", "--function", "nope"]).output(from: store, formatter: formatter)
                    == "No invocations match the filters."
            )
        }
    }

    @Test("statuses are coloured only when asked, in the table and in one record's detail")
    func colours() throws {
        let colourful = InvocationFormatter(timeZone: TimeZone(identifier: "UTC")!, colors: true)
        let records = [
            InvocationFixtures.record(id: "0190e6a1-5a00-7000-8000-000000000002", status: .crash),
            InvocationFixtures.record(id: "0190e6a1-5a00-7000-8000-000000000001"),
        ]
        let table = colourful.table(records)
        #expect(table.contains("\u{1B}[1;31mcrash\u{1B}[0m"))
        #expect(table.contains("\u{1B}[32msuccess\u{1B}[0m"))
        // Without the escape sequences, the columns line up as in the plain table.
        #expect(table.replacing(#/\e\[[0-9;]*m/#, with: "") == formatter.table(records))
        #expect(colourful.detail(records[0]).contains("status:           \u{1B}[1;31mcrash\u{1B}[0m\n"))
        #expect(!formatter.table(records).contains("\u{1B}"))
        #expect(!(try colourful.json(records[0])).contains("\u{1B}"))
    }

    @Test("colours are used on a terminal only, and never with NO_COLOR or a dumb terminal")
    func colourDecision() {
        #expect(InvocationFormatter.usesColors(isTerminal: true, environment: ["TERM": "xterm-256color"]))
        #expect(!InvocationFormatter.usesColors(isTerminal: false, environment: ["TERM": "xterm-256color"]))
        #expect(!InvocationFormatter.usesColors(isTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(InvocationFormatter.usesColors(isTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(!InvocationFormatter.usesColors(isTerminal: true, environment: ["TERM": "dumb"]))
    }

    @Test("bad combinations and values are rejected, saying what was wrong")
    func rejectsBadOptions() throws {
        let emptyFunction = Logs.message(for: try failure { try Logs.parse(["--function", ""]) })
        #expect(emptyFunction.contains("--function"))
        let range = Logs.message(
            for: try failure { try Logs.parse(["--since", "2024-07-03T10:00:00Z", "--until", "2024-07-03T09:00:00Z"]) }
        )
        #expect(range.contains("--since") && range.contains("--until"))
        let lastWithID = Logs.message(for: try failure { try Logs.parse(["0190", "--last"]) })
        #expect(lastWithID.contains("ID"))
        let followWithID = Logs.message(for: try failure { try Logs.parse(["0190", "--follow"]) })
        #expect(followWithID.contains("ID"))
        let lastAndFollow = Logs.message(for: try failure { try Logs.parse(["--last", "--follow"]) })
        #expect(lastAndFollow.contains("--last") && lastAndFollow.contains("--follow"))
        #expect(throws: Never.self) { try Logs.parse(["-f", "--errors", "--json"]) }
    }

    /// Runs `body` with a store holding `records`, and the records.
    private func withRecords(
        _ records: [InvocationRecord],
        _ body: (any InvocationStore, [InvocationRecord]) async throws -> Void
    ) async throws {
        try await InvocationFixtures.withStore(holding: records) { store in try await body(store, records) }
    }

    /// The error `parse` throws; fails the test if it throws none.
    private func failure(_ parse: () throws -> Logs) throws -> any Error {
        try #require(throws: (any Error).self) { try parse() }
    }
}
