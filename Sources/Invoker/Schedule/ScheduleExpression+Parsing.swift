import Foundation

extension ScheduleExpression {
    /// Parses `rate(value unit)`, `cron(fields)` or `at(yyyy-mm-ddThh:mm:ss)` as EventBridge Scheduler accepts them,
    /// plus `rate(N second|seconds)`; throws a ``ScheduleExpressionError`` saying what is wrong.
    init(parsing text: String) throws(ScheduleExpressionError) {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw ScheduleExpressionError(
                "\"\(text)\" is not a schedule expression; write rate(5 minutes), cron(0 3 * * ? *) or"
                    + " at(2026-12-24T18:00:00)"
            )
        }
        let kind = text[..<open]
        let body = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        do throws(ScheduleExpressionError) {
            switch kind {
            case "rate": self = try Self.rate(body)
            case "cron": self = .cron(try Self.cron(body))
            case "at": self = .at(try Self.at(body))
            default:
                throw ScheduleExpressionError(
                    "\"\(kind)(…)\" is not a kind of schedule; use rate(…), cron(…) or at(…)"
                )
            }
        } catch {
            throw ScheduleExpressionError("\(text): \(error.message)")
        }
    }

    /// The units of a rate, singular, and their length in seconds.
    private static let rateUnits: [(unit: String, seconds: Int64)] = [
        ("second", 1), ("minute", 60), ("hour", 3_600), ("day", 86_400),
    ]

    /// `5 minutes`: a positive whole number and a unit, singular for 1 and plural otherwise, as EventBridge requires.
    private static func rate(_ body: String) throws(ScheduleExpressionError) -> ScheduleExpression {
        let parts = body.split(separator: " ", omittingEmptySubsequences: false)
        let units = rateUnits.map(\.unit).joined(separator: ", ")
        guard parts.count == 2, let value = Int64(parts[0]), parts[0].allSatisfy(\.isNumber) else {
            throw ScheduleExpressionError(
                "a rate is a whole number and a unit separated by one space, such as rate(5 minutes)"
            )
        }
        guard value > 0 else { throw ScheduleExpressionError("the value must be positive, got \(value)") }
        let unit = String(parts[1])
        guard let entry = rateUnits.first(where: { $0.unit == unit || $0.unit + "s" == unit }) else {
            throw ScheduleExpressionError("\"\(unit)\" is not a unit; use \(units) (plural for more than 1)")
        }
        let singular = unit == entry.unit
        if value == 1 && !singular {
            throw ScheduleExpressionError("a value of 1 takes the singular unit: rate(1 \(entry.unit))")
        }
        if value != 1 && singular {
            throw ScheduleExpressionError("a value other than 1 takes the plural unit: rate(\(value) \(entry.unit)s)")
        }
        // A century at most: a longer period would never fire, and its seconds could overflow.
        guard value <= 3_155_760_000 / entry.seconds else {
            throw ScheduleExpressionError("the period must be at most 100 years")
        }
        return .rate(seconds: value * entry.seconds)
    }

    /// Six cron fields that match at least one minute between 1970 and 2199.
    private static func cron(_ body: String) throws(ScheduleExpressionError) -> CronExpression {
        let cron = try CronExpression(parsing: body)
        guard cron.nextFire(afterEpochSeconds: -1, in: TimeZone(identifier: "UTC")!) != nil else {
            throw ScheduleExpressionError("matches no date between 1970 and 2199, so it would never fire")
        }
        return cron
    }

    /// `yyyy-mm-ddThh:mm:ss`, a date that exists.
    private static func at(_ body: String) throws(ScheduleExpressionError) -> WallClockTime {
        let shape = Array("dddd-dd-ddTdd:dd:dd")
        let characters = Array(body)
        guard characters.count == shape.count,
            zip(characters, shape).allSatisfy({ $1 == "d" ? $0.isASCII && $0.isNumber : $0 == $1 })
        else {
            throw ScheduleExpressionError("the time must be written yyyy-mm-ddThh:mm:ss, such as 2026-12-24T18:00:00")
        }
        func number(_ range: Range<Int>) -> Int { Int(String(characters[range]))! }
        let time = WallClockTime(
            year: number(0..<4),
            month: number(5..<7),
            day: number(8..<10),
            hour: number(11..<13),
            minute: number(14..<16),
            second: number(17..<19)
        )
        guard (1...12).contains(time.month),
            (1...WallClockTime.daysInMonth(year: time.year, month: time.month)).contains(time.day),
            time.hour < 24, time.minute < 60, time.second < 60
        else {
            throw ScheduleExpressionError("\(body) is not a date and time that exists")
        }
        return time
    }
}
