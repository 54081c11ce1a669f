import Foundation
import Testing

@testable import Invoker

/// The schedule calculator against tables, without a clock: each row is an expression, a time zone, an instant and
/// the slot that must follow it. The daylight-saving rows were checked against Python's `zoneinfo`, walking UTC
/// minutes and skipping the second occurrence of a repeated local time.
@Suite("Schedule expressions")
struct ScheduleExpressionTests {
    /// One row: `expression` in `zone`, the first slot after `after` is `next` (nil: none).
    struct Row: CustomTestStringConvertible, Sendable {
        var expression: String
        var zone = "UTC"
        var after: String
        var next: String?
        var testDescription: String { "\(expression) in \(zone) after \(after)" }
    }

    static let rows: [Row] = [
        // Rates: multiples of the period since 1970, whatever the zone.
        Row(expression: "rate(1 second)", after: "2026-12-02T08:00:00.500Z", next: "2026-12-02T08:00:01Z"),
        Row(expression: "rate(1 second)", after: "2026-12-02T08:00:01Z", next: "2026-12-02T08:00:02Z"),
        Row(expression: "rate(5 minutes)", after: "2026-12-02T08:03:10Z", next: "2026-12-02T08:05:00Z"),
        Row(
            expression: "rate(1 hour)",
            zone: "Europe/Paris",
            after: "2026-03-29T00:30:00Z",
            next: "2026-03-29T01:00:00Z"
        ),
        Row(
            expression: "rate(1 day)",
            zone: "America/New_York",
            after: "2026-03-08T01:00:00Z",
            next: "2026-03-09T00:00:00Z"
        ),
        Row(expression: "rate(2 days)", after: "1970-01-01T00:00:00Z", next: "1970-01-03T00:00:00Z"),
        // Fields, lists, ranges, increments and names.
        Row(expression: "cron(0 3 * * ? *)", after: "2026-12-02T08:00:00Z", next: "2026-12-03T03:00:00Z"),
        Row(expression: "cron(5/20 * * * ? *)", after: "2026-12-02T08:26:00Z", next: "2026-12-02T08:45:00Z"),
        Row(expression: "cron(*/10 * * * ? *)", after: "2026-12-02T08:50:00Z", next: "2026-12-02T09:00:00Z"),
        Row(expression: "cron(10-30/10 9 * * ? *)", after: "2026-12-02T09:21:00Z", next: "2026-12-02T09:30:00Z"),
        Row(expression: "cron(0 8,17 * * ? *)", after: "2026-12-02T08:00:00Z", next: "2026-12-02T17:00:00Z"),
        Row(expression: "cron(0 9 ? * MON-FRI *)", after: "2026-12-04T10:00:00Z", next: "2026-12-07T09:00:00Z"),
        Row(expression: "cron(0 9 ? * sat,SUN *)", after: "2026-12-02T10:00:00Z", next: "2026-12-05T09:00:00Z"),
        Row(expression: "cron(0 0 1 JAN-MAR/2 ? *)", after: "2026-01-01T00:00:00Z", next: "2026-03-01T00:00:00Z"),
        Row(expression: "cron(0 0 1 1 ? 2030)", after: "2026-12-02T00:00:00Z", next: "2030-01-01T00:00:00Z"),
        Row(expression: "cron(0 0 1 1 ? 2030)", after: "2030-01-01T00:00:00Z", next: nil),
        // Leap years: 29 February, and 2100, which is not one.
        Row(expression: "cron(0 0 29 2 ? *)", after: "2026-01-01T00:00:00Z", next: "2028-02-29T00:00:00Z"),
        Row(expression: "cron(0 0 29 2 ? 2097-2110)", after: "2096-03-01T00:00:00Z", next: "2104-02-29T00:00:00Z"),
        Row(expression: "cron(0 12 L 2 ? *)", after: "2027-01-01T00:00:00Z", next: "2027-02-28T12:00:00Z"),
        Row(expression: "cron(0 12 L 2 ? *)", after: "2028-01-01T00:00:00Z", next: "2028-02-29T12:00:00Z"),
        // Month ends: L, 31 only in long months, and W never leaves the month.
        Row(expression: "cron(0 0 L * ? *)", after: "2026-04-15T00:00:00Z", next: "2026-04-30T00:00:00Z"),
        Row(expression: "cron(0 0 L * ? *)", after: "2026-04-30T00:00:00Z", next: "2026-05-31T00:00:00Z"),
        Row(expression: "cron(0 0 31 * ? *)", after: "2026-04-01T00:00:00Z", next: "2026-05-31T00:00:00Z"),
        Row(expression: "cron(0 12 LW * ? *)", after: "2026-01-01T00:00:00Z", next: "2026-01-30T12:00:00Z"),
        Row(expression: "cron(0 12 1W * ? *)", after: "2026-07-31T00:00:00Z", next: "2026-08-03T12:00:00Z"),
        Row(expression: "cron(0 12 15W * ? *)", after: "2026-08-01T00:00:00Z", next: "2026-08-14T12:00:00Z"),
        Row(expression: "cron(0 12 16W * ? *)", after: "2026-08-01T00:00:00Z", next: "2026-08-17T12:00:00Z"),
        Row(expression: "cron(0 12 31W * ? *)", after: "2026-05-01T00:00:00Z", next: "2026-05-29T12:00:00Z"),
        Row(expression: "cron(0 12 31W * ? *)", after: "2026-06-01T00:00:00Z", next: "2026-07-31T12:00:00Z"),
        // Day of week: # and L.
        Row(expression: "cron(0 10 ? * 3#2 *)", after: "2026-12-01T00:00:00Z", next: "2026-12-08T10:00:00Z"),
        Row(expression: "cron(0 10 ? * MON#1 *)", after: "2026-12-01T00:00:00Z", next: "2026-12-07T10:00:00Z"),
        Row(expression: "cron(0 10 ? * 3#5 *)", after: "2026-12-01T11:00:00Z", next: "2026-12-29T10:00:00Z"),
        Row(expression: "cron(0 10 ? * 3#5 *)", after: "2026-12-29T10:00:00Z", next: "2027-03-30T10:00:00Z"),
        Row(expression: "cron(0 10 ? * 6L *)", after: "2026-12-01T00:00:00Z", next: "2026-12-25T10:00:00Z"),
        Row(expression: "cron(0 10 ? * L *)", after: "2026-12-01T00:00:00Z", next: "2026-12-05T10:00:00Z"),
        // Daylight saving time starts: the skipped local time does not fire that day.
        Row(
            expression: "cron(30 2 * * ? *)",
            zone: "Europe/Paris",
            after: "2026-03-28T02:00:00Z",
            next: "2026-03-30T00:30:00Z"
        ),
        Row(
            expression: "cron(0 3 * * ? *)",
            zone: "Europe/Paris",
            after: "2026-03-28T12:00:00Z",
            next: "2026-03-29T01:00:00Z"
        ),
        Row(
            expression: "cron(30 2 * * ? *)",
            zone: "America/New_York",
            after: "2026-03-07T12:00:00Z",
            next: "2026-03-09T06:30:00Z"
        ),
        Row(
            expression: "cron(0 * * * ? *)",
            zone: "America/New_York",
            after: "2026-03-08T06:30:00Z",
            next: "2026-03-08T07:00:00Z"
        ),
        // Daylight saving time ends: a local time shown twice fires once, the first time.
        Row(
            expression: "cron(30 2 * * ? *)",
            zone: "Europe/Paris",
            after: "2026-10-24T12:00:00Z",
            next: "2026-10-25T00:30:00Z"
        ),
        Row(
            expression: "cron(30 2 * * ? *)",
            zone: "Europe/Paris",
            after: "2026-10-25T00:30:00Z",
            next: "2026-10-26T01:30:00Z"
        ),
        Row(
            expression: "cron(0/15 * * * ? *)",
            zone: "Europe/Paris",
            after: "2026-10-25T00:50:00Z",
            next: "2026-10-25T02:00:00Z"
        ),
        Row(
            expression: "cron(30 1 * * ? *)",
            zone: "America/New_York",
            after: "2026-10-31T12:00:00Z",
            next: "2026-11-01T05:30:00Z"
        ),
        Row(
            expression: "cron(30 1 * * ? *)",
            zone: "America/New_York",
            after: "2026-11-01T05:30:00Z",
            next: "2026-11-02T06:30:00Z"
        ),
        Row(
            expression: "cron(0/15 * * * ? *)",
            zone: "America/New_York",
            after: "2026-11-01T05:50:00Z",
            next: "2026-11-01T07:00:00Z"
        ),
        // One-time schedules, in their zone; the first occurrence of a repeated time.
        Row(
            expression: "at(2026-12-24T18:00:00)",
            zone: "Europe/Paris",
            after: "2026-12-02T00:00:00Z",
            next: "2026-12-24T17:00:00Z"
        ),
        Row(expression: "at(2026-12-24T18:00:00)", zone: "Europe/Paris", after: "2026-12-24T17:00:00Z", next: nil),
        Row(
            expression: "at(2026-10-25T02:30:00)",
            zone: "Europe/Paris",
            after: "2026-10-01T00:00:00Z",
            next: "2026-10-25T00:30:00Z"
        ),
        Row(
            expression: "at(2026-11-01T01:30:00)",
            zone: "America/New_York",
            after: "2026-10-01T00:00:00Z",
            next: "2026-11-01T05:30:00Z"
        ),
    ]

    @Test("the next slot after an instant", arguments: rows)
    func nextSlot(_ row: Row) throws {
        let expression = try ScheduleExpression(parsing: row.expression)
        let zone = try #require(TimeZone(identifier: row.zone), "tzdata has \(row.zone)")
        let next = expression.nextFire(after: try Self.date(row.after), in: zone)
        #expect(next == (try row.next.map(Self.date)), "got \(next.map { $0.formatted(.iso8601) } ?? "nil")")
    }

    @Test("the next three slots of a schedule follow each other across a daylight-saving change")
    func nextThree() throws {
        let expression = try ScheduleExpression(parsing: "cron(30 2 * * ? *)")
        let fires = expression.nextFires(
            after: try Self.date("2026-03-28T00:00:00Z"),
            in: try #require(TimeZone(identifier: "Europe/Paris")),
            count: 3
        )
        #expect(
            fires == [
                try Self.date("2026-03-28T01:30:00Z"), try Self.date("2026-03-30T00:30:00Z"),
                try Self.date("2026-03-31T00:30:00Z"),
            ]
        )
    }

    /// Invalid expressions, and a piece of what the error must say.
    static let invalid: [(String, String)] = [
        ("5 minutes", "is not a schedule expression"),
        ("every(5 minutes)", "is not a kind of schedule"),
        ("rate(0 minutes)", "must be positive"),
        ("rate(-1 minutes)", "a whole number and a unit"),
        ("rate(five minutes)", "a whole number and a unit"),
        ("rate(5 minute)", "takes the plural unit: rate(5 minutes)"),
        ("rate(1 hours)", "takes the singular unit: rate(1 hour)"),
        ("rate(5 weeks)", "\"weeks\" is not a unit"),
        ("rate(5  minutes)", "a whole number and a unit"),
        ("cron(0 3 * * *)", "has 5 fields; a cron expression has six"),
        ("cron(0 3 * * ? * *)", "has 7 fields"),
        ("cron(60 * * * ? *)", "minutes: 60 is out of range; it takes 0-59"),
        ("cron(0 25 * * ? *)", "hours: 25 is out of range; it takes 0-23"),
        ("cron(0 3 0 * ? *)", "day-of-month: 0 is out of range; it takes 1-31"),
        ("cron(0 3 * 13 ? *)", "month: 13 is out of range"),
        ("cron(0 3 * FOO ? *)", "month: FOO is not a number or JAN-DEC"),
        ("cron(0 3 ? * 8 *)", "day-of-week: 8 is out of range; it takes 1-7"),
        ("cron(0 3 ? * MONDAY *)", "day-of-week: MONDAY is not a number or SUN-SAT"),
        ("cron(0 3 * * ? 1969)", "year: 1969 is out of range; it takes 1970-2199"),
        ("cron(0 3 * * ? 2200)", "year: 2200 is out of range"),
        ("cron(0 3 * * * *)", "gives both day-of-month (*) and day-of-week (*)"),
        ("cron(0 3 1 * MON *)", "one of them must be ?"),
        ("cron(0 3 ? * ? *)", "has ? in both day-of-month and day-of-week"),
        ("cron(5-1 * * * ? *)", "minutes: the range 5-1 goes backwards"),
        ("cron(*/0 * * * ? *)", "minutes: the increment in */0 must be a whole number from 1 to 59"),
        ("cron(1/2/3 * * * ? *)", "has more than one /"),
        ("cron(1,,2 * * * ? *)", "minutes: a value is missing"),
        ("cron(0 3 L-2 * ? *)", "L and W stand alone"),
        ("cron(0 3 1-5W * ? *)", "W follows a single day"),
        ("cron(0 3 32W * ? *)", "W follows a single day"),
        ("cron(0 3 ? * 3#6 *)", "its occurrence in the month, 1 to 5"),
        ("cron(0 3 ? * 1#1,3#2 *)", "a field with # holds nothing else"),
        ("cron(0 3 ? * 1W *)", "day-of-week: 1W is not valid"),
        ("cron(0 3 ? * */2 *)", "day-of-week: */2 is not valid"),
        ("cron(0 3 30 2 ? *)", "matches no date between 1970 and 2199"),
        ("at(2026-02-30T10:00:00)", "2026-02-30T10:00:00 is not a date and time that exists"),
        ("at(2026-12-24T24:00:00)", "is not a date and time that exists"),
        ("at(2026-12-24 18:00)", "must be written yyyy-mm-ddThh:mm:ss"),
        ("at(2026-12-24T18:00:00Z)", "must be written yyyy-mm-ddThh:mm:ss"),
    ]

    @Test("an invalid expression is rejected with what is wrong in it", arguments: invalid)
    func rejects(_ text: String, _ problem: String) {
        #expect {
            try ScheduleExpression(parsing: text)
        } throws: { error in
            let message = (error as? ScheduleExpressionError)?.message ?? ""
            return message.contains(text) && message.contains(problem)
        }
    }

    @Test("wall-clock times in a zone: one instant, none in the spring gap, two in the autumn overlap")
    func wallClockInstants() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        let before = paris.instants(showing: WallClockTime(year: 2026, month: 3, day: 29, hour: 1, minute: 30))
        let gap = paris.instants(showing: WallClockTime(year: 2026, month: 3, day: 29, hour: 2, minute: 30))
        let overlap = paris.instants(showing: WallClockTime(year: 2026, month: 10, day: 25, hour: 2, minute: 30))
        #expect(before == [Int64(try Self.date("2026-03-29T00:30:00Z").timeIntervalSince1970)])
        #expect(gap.isEmpty)
        #expect(
            overlap == [
                Int64(try Self.date("2026-10-25T00:30:00Z").timeIntervalSince1970),
                Int64(try Self.date("2026-10-25T01:30:00Z").timeIntervalSince1970),
            ]
        )
    }

    @Test("calendar arithmetic: weekdays and days since 1970 round-trip over four centuries")
    func civilCalendar() {
        #expect(WallClockTime(year: 1970, month: 1, day: 1).weekday == 5)
        #expect(WallClockTime(year: 2000, month: 2, day: 29).weekday == 3)
        #expect(WallClockTime(year: 1969, month: 12, day: 31).secondsSinceEpoch == -86_400)
        for days in stride(from: -146_097, through: 146_097, by: 37) {
            let time = WallClockTime(secondsSinceEpoch: Int64(days) * 86_400)
            #expect(WallClockTime.days(year: time.year, month: time.month, day: time.day) == days)
        }
    }

    /// An ISO 8601 UTC time, with or without fractional seconds.
    static func date(_ text: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try Date.ISO8601FormatStyle().parse(text)
    }
}
