import Foundation

extension CronExpression {
    /// The first wall-clock minute the expression matches whose instant in `timeZone` is after `after` (seconds since
    /// the Unix epoch), as that instant; nil when none is left before the end of 2199.
    ///
    /// Candidates are walked in wall-clock order from the minute `after` falls in, skipping months and years that
    /// cannot match. A candidate the zone's clocks skip (daylight saving time starts) is passed over; one they show
    /// twice counts at its first instant only, so a time in the repeated hour fires once (see ``ScheduleExpression``).
    func nextFire(afterEpochSeconds after: Int64, in timeZone: TimeZone) -> Int64? {
        let start = timeZone.wallClockTime(atEpochSeconds: after)
        var day = WallClockTime(year: start.year, month: start.month, day: start.day)
        var isFirstDay = true
        while day.year <= Self.yearRange.upperBound {
            guard years.contains(day.year) else {
                guard let year = years.filter({ $0 > day.year }).min() else { return nil }
                day = WallClockTime(year: year, month: 1, day: 1)
                isFirstDay = false
                continue
            }
            guard months.contains(day.month) else {
                day =
                    day.month == 12
                    ? WallClockTime(year: day.year + 1, month: 1, day: 1)
                    : WallClockTime(year: day.year, month: day.month + 1, day: 1)
                isFirstDay = false
                continue
            }
            if matches(day: day) {
                for hour in hours where !isFirstDay || hour >= start.hour {
                    for minute in minutes where !isFirstDay || hour > start.hour || minute >= start.minute {
                        let candidate = WallClockTime(
                            year: day.year,
                            month: day.month,
                            day: day.day,
                            hour: hour,
                            minute: minute
                        )
                        if let instant = timeZone.instants(showing: candidate).first, instant > after {
                            return instant
                        }
                    }
                }
            }
            day = WallClockTime(secondsSinceEpoch: day.secondsSinceEpoch + 86_400)
            isFirstDay = false
        }
        return nil
    }
}
