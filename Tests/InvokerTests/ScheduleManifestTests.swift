import Foundation
import Testing

@testable import Invoker

/// The manifest's `schedules`: what is read, and every invalid value rejected with the file, function and field.
@Suite("Schedules in the manifest")
struct ScheduleManifestTests {
    private func parse(_ json: String) throws -> Manifest {
        try Manifest.parse(Data(json.utf8), file: "functions.json", directory: "/tmp")
    }

    @Test("a schedule is read with its values, and defaults fill what it leaves out")
    func readsSchedules() throws {
        let manifest = try parse(
            """
            {"functions": {
              "report": {"schedules": [
                {"name": "nightly", "expression": "cron(0 3 * * ? *)", "timezone": "Europe/Paris",
                 "input": {"kind": "nightly", "limit": 10, "ratio": 0.5, "tags": ["a", null, true]},
                 "enabled": false, "catchUp": "all", "maximumWindow": 3600},
                {"name": "tick", "expression": "rate(1 second)"}
              ]}
            }}
            """
        )
        let schedules = manifest.schedules
        #expect(schedules.map(\.name) == ["nightly", "tick"])
        let nightly = schedules[0]
        #expect(nightly.function == "report")
        #expect(nightly.text == "cron(0 3 * * ? *)")
        #expect(nightly.timeZone.identifier == "Europe/Paris")
        #expect(nightly.enabled == false)
        #expect(nightly.catchUp == .all)
        #expect(nightly.maximumWindow == .seconds(3600))
        #expect(nightly.arn == "arn:aws:scheduler:us-east-1:000000000000:schedule/report/nightly")
        let input = try #require(nightly.input)
        #expect(
            String(decoding: try input.json(), as: UTF8.self)
                == #"{"kind":"nightly","limit":10,"ratio":0.5,"tags":["a",null,true]}"#
        )
        let tick = schedules[1]
        #expect(tick.expression == .rate(seconds: 1))
        #expect(tick.timeZoneName == "UTC" && tick.timeZone.secondsFromGMT() == 0)
        #expect(tick.enabled && tick.catchUp == .latest && tick.maximumWindow == .seconds(86_400))
        #expect(tick.input == nil)
    }

    @Test(
        "every invalid schedule names the file, the function and the field, and what is wrong",
        arguments: [
            (#"[{"expression": "rate(1 minute)"}]"#, "schedules[0].name", "is missing"),
            (#"[{"name": "a b", "expression": "rate(1 minute)"}]"#, "schedules[0].name", "got \"a b\""),
            (#"[{"name": "n"}]"#, "schedules[0].expression", "is missing"),
            (
                #"[{"name": "n", "expression": "cron(0 3 * * *)"}]"#, "schedules[0].expression",
                "cron(0 3 * * *): has 5 fields"
            ),
            (
                #"[{"name": "n", "expression": "rate(1 minute)"}, {"name": "m", "expression": "cron(0 3 * * ? *"}]"#,
                "schedules[1].expression", "is not a schedule expression"
            ),
            (
                #"[{"name": "n", "expression": "rate(1 minute)", "timezone": "Mars/Olympus"}]"#,
                "schedules[0].timezone", "\"Mars/Olympus\" is not a time zone"
            ),
            (
                #"[{"name": "n", "expression": "at(2026-03-29T02:30:00)", "timezone": "Europe/Paris"}]"#,
                "schedules[0].expression", "does not exist in Europe/Paris"
            ),
            (
                #"[{"name": "n", "expression": "rate(1 minute)", "catchUp": "some"}]"#, "schedules[0].catchUp",
                "must be one of \"none\", \"latest\", \"all\", got \"some\""
            ),
            (
                #"[{"name": "n", "expression": "rate(1 minute)", "maximumWindow": 0}]"#,
                "schedules[0].maximumWindow", "must be between 1 and 2592000 seconds, got 0"
            ),
            (
                #"[{"name": "n", "expression": "rate(1 minute)", "enabled": "yes"}]"#, "schedules[0].enabled",
                "must be true or false"
            ),
            (
                #"[{"name": "n", "expression": "rate(1 minute)", "timeZone": "UTC"}]"#, "schedules[0].timeZone",
                "did you mean \"timezone\""
            ),
            (
                #"[{"name": "n", "expression": "rate(1 minute)"}, {"name": "n", "expression": "rate(1 hour)"}]"#,
                "schedules[1].name", "names two schedules of this function"
            ),
            (#"{"name": "n"}"#, "schedules", "must be an array of objects"),
        ]
    )
    func rejects(_ schedules: String, _ field: String, _ problem: String) throws {
        let json = #"{"functions": {"f": {"schedules": "# + schedules + "}}}"
        #expect {
            try parse(json)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.file == "functions.json" && error.function == "f" && error.field == field
                && error.message.contains(problem)
        }
    }

    @Test("two functions may not share a schedule name: `invoker schedules run NAME` names one")
    func uniqueNames() throws {
        #expect {
            try parse(
                """
                {"functions": {"a": {"schedules": [{"name": "n", "expression": "rate(1 minute)"}]},
                               "b": {"schedules": [{"name": "n", "expression": "rate(1 hour)"}]}}}
                """
            )
        } throws: { error in
            (error as? ManifestError)?.description
                == #"functions.json: function "b", field "schedules[0].name": "n" is already the name of a schedule"#
                + #" of function "a"; schedule names are unique in the manifest"#
        }
    }

    @Test("an input larger than an asynchronous event may be is rejected")
    func largeInput() throws {
        let big = String(repeating: "x", count: 300_000)
        #expect {
            try parse(
                #"{"functions": {"f": {"schedules": [{"name": "n", "expression": "rate(1 minute)", "input": ""#
                    + big + #""}]}}}"#
            )
        } throws: { error in
            (error as? ManifestError)?.field == "schedules[0].input"
        }
    }
}
