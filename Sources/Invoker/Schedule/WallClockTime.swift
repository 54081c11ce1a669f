/// A date and time as a clock on the wall shows it, without a time zone: what cron fields and `at()` expressions
/// describe. Its arithmetic is the proleptic Gregorian calendar's, done on whole days since 1970-01-01, so the
/// calculator needs no `Calendar` and gives the same answer on every platform.
///
/// ```swift
/// let time = WallClockTime(year: 2028, month: 2, day: 29, hour: 3, minute: 0)
/// time.weekday  // 3: a Tuesday (1 is Sunday, as in cron)
/// ```
struct WallClockTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, such as 2026.
    var year: Int
    /// The month, 1 to 12.
    var month: Int
    /// The day of the month, 1 to 31.
    var day: Int
    /// The hour, 0 to 23.
    var hour: Int = 0
    /// The minute, 0 to 59.
    var minute: Int = 0
    /// The second, 0 to 59.
    var second: Int = 0

    /// The time `seconds` seconds after 1970-01-01T00:00:00 on the same wall clock.
    init(secondsSinceEpoch seconds: Int64) {
        let days = Int(seconds.floorDivided(by: 86_400))
        let rest = Int(seconds - Int64(days) * 86_400)
        (year, month, day) = Self.civil(fromDays: days)
        hour = rest / 3_600
        minute = rest / 60 % 60
        second = rest % 60
    }

    /// A time from its fields, which must be in range.
    init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Seconds since 1970-01-01T00:00:00 on the same wall clock (the instant it is in UTC).
    var secondsSinceEpoch: Int64 {
        Int64(Self.days(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
    }

    /// The day of the week, 1 (Sunday) to 7 (Saturday), as cron numbers them.
    var weekday: Int {
        Self.weekday(year: year, month: month, day: day)
    }

    /// `2026-03-29T02:30:00`.
    var description: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
    }

    static func < (lhs: WallClockTime, rhs: WallClockTime) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }
}

extension WallClockTime {
    /// Whether `year` has a 29 February.
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// How many days `month` of `year` has.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The day of the week of a date, 1 (Sunday) to 7 (Saturday).
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        // 1970-01-01 was a Thursday (5).
        (days(year: year, month: month, day: day) + 4).floorModulo(7) + 1
    }

    /// Days from 1970-01-01 to a date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let year = month <= 2 ? year - 1 : year
        let era = year.floorDivided(by: 400)
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
