/// The six fields of an EventBridge `cron(minutes hours day-of-month month day-of-week year)` expression, parsed: the
/// wall-clock minutes it matches, in the schedule's time zone.
///
/// Exactly one of the day fields is `?`: a schedule picks days either by their date or by their weekday.
///
/// ```swift
/// let nightly = try CronExpression(parsing: "0 3 * * ? *")
/// nightly.matches(day: WallClockTime(year: 2026, month: 12, day: 3))  // true
/// ```
struct CronExpression: Sendable, Equatable {
    /// How the day-of-month field picks days.
    enum DayOfMonth: Sendable, Equatable {
        /// `?`: the day-of-week field decides.
        case unspecified
        /// Numbers, ranges, lists, increments or `*`.
        case days(Set<Int>)
        /// `L`: the month's last day.
        case last
        /// `LW`: the month's last weekday (Monday to Friday).
        case lastWeekday
        /// `15W`: the weekday nearest the 15th, in the same month.
        case nearestWeekday(Int)
    }

    /// How the day-of-week field picks days; weekdays are 1 (Sunday) to 7 (Saturday).
    enum DayOfWeek: Sendable, Equatable {
        /// `?`: the day-of-month field decides.
        case unspecified
        /// Numbers or names, ranges, lists or `*`; `L` alone is 7, the week's last day.
        case days(Set<Int>)
        /// `6L`: the month's last Friday.
        case last(Int)
        /// `3#2`: the month's second Tuesday.
        case nth(weekday: Int, occurrence: Int)
    }

    /// The minutes of the hour it fires at, ascending.
    var minutes: [Int]
    /// The hours of the day it fires at, ascending.
    var hours: [Int]
    /// The day-of-month field.
    var dayOfMonth: DayOfMonth
    /// The months it fires in, 1 to 12.
    var months: Set<Int>
    /// The day-of-week field.
    var dayOfWeek: DayOfWeek
    /// The years it fires in, 1970 to 2199.
    var years: Set<Int>

    /// The years EventBridge accepts.
    static let yearRange = 1970...2199

    /// Whether the expression fires on the date of `day` (its time is not looked at).
    func matches(day: WallClockTime) -> Bool {
        guard years.contains(day.year), months.contains(day.month) else { return false }
        let length = WallClockTime.daysInMonth(year: day.year, month: day.month)
        switch dayOfMonth {
        case .unspecified: break
        case .days(let days): return days.contains(day.day)
        case .last: return day.day == length
        case .lastWeekday: return day.day == Self.lastWeekday(year: day.year, month: day.month)
        case .nearestWeekday(let target):
            return target <= length && day.day == Self.weekday(nearest: target, year: day.year, month: day.month)
        }
        let weekday = day.weekday
        switch dayOfWeek {
        case .unspecified: return false
        case .days(let days): return days.contains(weekday)
        case .last(let target): return weekday == target && day.day + 7 > length
        case .nth(let target, let occurrence): return weekday == target && (day.day - 1) / 7 + 1 == occurrence
        }
    }

    /// The last Monday-to-Friday of a month.
    static func lastWeekday(year: Int, month: Int) -> Int {
        let length = WallClockTime.daysInMonth(year: year, month: month)
        switch WallClockTime.weekday(year: year, month: month, day: length) {
        case 7: return length - 1
        case 1: return length - 2
        default: return length
        }
    }

    /// The Monday-to-Friday nearest to day `target` of a month, without leaving the month (as Quartz, whose syntax
    /// EventBridge's is): a Saturday the 1st moves to Monday the 3rd, a Sunday the 31st to Friday the 29th.
    static func weekday(nearest target: Int, year: Int, month: Int) -> Int {
        let length = WallClockTime.daysInMonth(year: year, month: month)
        switch WallClockTime.weekday(year: year, month: month, day: target) {
        case 7: return target == 1 ? 3 : target - 1
        case 1: return target == length ? target - 2 : target + 1
        default: return target
        }
    }
}
