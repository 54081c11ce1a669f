extension CronExpression {
    /// One of the six fields: its name for errors, the values it takes, and the names that stand for values.
    private struct Field {
        var name: String
        var range: ClosedRange<Int>
        var names: [String] = []

        static let minutes = Field(name: "minutes", range: 0...59)
        static let hours = Field(name: "hours", range: 0...23)
        static let dayOfMonth = Field(name: "day-of-month", range: 1...31)
        static let month = Field(
            name: "month",
            range: 1...12,
            names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        )
        static let dayOfWeek = Field(
            name: "day-of-week",
            range: 1...7,
            names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        )
        static let year = Field(name: "year", range: CronExpression.yearRange)
    }

    /// Parses the text between `cron(` and `)`: six fields separated by spaces, with EventBridge's wildcards
    /// (`, - * /` everywhere, `?` and `L` in both day fields, `W` in day-of-month, `#` in day-of-week) and the names
    /// `JAN`–`DEC` and `SUN`–`SAT` in any case. Throws a ``ScheduleExpressionError`` naming the field and what is
    /// wrong with it.
    init(parsing text: String) throws(ScheduleExpressionError) {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0).uppercased() }
        guard fields.count == 6 else {
            throw ScheduleExpressionError(
                "has \(fields.count) field\(fields.count == 1 ? "" : "s"); a cron expression has six: minutes hours"
                    + " day-of-month month day-of-week year, such as cron(0 3 * * ? *)"
            )
        }
        minutes = try Self.values(fields[0], .minutes).sorted()
        hours = try Self.values(fields[1], .hours).sorted()
        months = try Self.values(fields[3], .month)
        years = try Self.values(fields[5], .year)
        switch (fields[2] == "?", fields[4] == "?") {
        case (true, true):
            throw ScheduleExpressionError(
                "has ? in both day-of-month and day-of-week; one of them must pick the days (such as * or MON-FRI)"
            )
        case (false, false):
            throw ScheduleExpressionError(
                "gives both day-of-month (\(fields[2])) and day-of-week (\(fields[4])); one of them must be ?, as"
                    + " EventBridge requires"
            )
        case (true, false):
            dayOfMonth = .unspecified
            dayOfWeek = try Self.dayOfWeek(fields[4])
        case (false, true):
            dayOfMonth = try Self.dayOfMonth(fields[2])
            dayOfWeek = .unspecified
        }
    }

    /// The day-of-month field: `L`, `LW`, `15W`, or values.
    private static func dayOfMonth(_ text: String) throws(ScheduleExpressionError) -> DayOfMonth {
        let field = Field.dayOfMonth
        if text == "L" { return .last }
        if text == "LW" { return .lastWeekday }
        if text.hasSuffix("W") {
            let day = String(text.dropLast())
            guard let number = Int(day), field.range.contains(number) else {
                throw ScheduleExpressionError(
                    "day-of-month: \(text) is not valid; W follows a single day from 1 to 31 (such as 15W, the"
                        + " weekday nearest the 15th) or L (LW, the last weekday)"
                )
            }
            return .nearestWeekday(number)
        }
        if text.contains("L") || text.contains("W") {
            throw ScheduleExpressionError(
                "day-of-month: \(text) is not valid; L and W stand alone (L, LW, 15W), not in lists or ranges"
            )
        }
        return .days(try values(text, field))
    }

    /// The day-of-week field: `L`, `6L`, `3#2`, or values.
    private static func dayOfWeek(_ text: String) throws(ScheduleExpressionError) -> DayOfWeek {
        let field = Field.dayOfWeek
        if text == "L" { return .days([7]) }
        if let hash = text.firstIndex(of: "#") {
            let weekday = try value(String(text[..<hash]), field)
            guard let occurrence = Int(text[text.index(after: hash)...]), (1...5).contains(occurrence) else {
                throw ScheduleExpressionError(
                    "day-of-week: \(text) is not valid; # takes one weekday and its occurrence in the month, 1 to 5"
                        + " (3#2 is the second Tuesday); a field with # holds nothing else"
                )
            }
            return .nth(weekday: weekday, occurrence: occurrence)
        }
        if text.hasSuffix("L") && text.count > 1 && !text.contains(",") && !text.contains("-") {
            return .last(try value(String(text.dropLast()), field))
        }
        if text.contains("L") || text.contains("W") || text.contains("/") {
            throw ScheduleExpressionError(
                "day-of-week: \(text) is not valid; it takes 1-7 or SUN-SAT with , - * ?, L alone or after one"
                    + " weekday (6L, the last Friday), or # (3#2)"
            )
        }
        return .days(try values(text, field))
    }

    /// The values of a comma-separated list of `*`, `N`, `A-B`, and increments `*/S`, `N/S`, `A-B/S`.
    private static func values(_ text: String, _ field: Field) throws(ScheduleExpressionError) -> Set<Int> {
        guard !text.isEmpty else { throw ScheduleExpressionError("\(field.name) is empty") }
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else {
                throw ScheduleExpressionError("\(field.name): \(item) has more than one /")
            }
            var step = 1
            if parts.count == 2 {
                guard let number = Int(parts[1]), (1...field.range.upperBound).contains(number) else {
                    throw ScheduleExpressionError(
                        "\(field.name): the increment in \(item) must be a whole number from 1 to"
                            + " \(field.range.upperBound)"
                    )
                }
                step = number
            }
            let range = try self.range(parts[0], field, increment: parts.count == 2)
            values.formUnion(Swift.stride(from: range.lowerBound, through: range.upperBound, by: step))
        }
        return values
    }

    /// `*`, `N` or `A-B`; `N` followed by an increment runs to the field's end.
    private static func range(
        _ text: String,
        _ field: Field,
        increment: Bool
    ) throws(ScheduleExpressionError) -> ClosedRange<Int> {
        if text == "*" { return field.range }
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        switch bounds.count {
        case 1:
            let start = try value(bounds[0], field)
            return increment ? start...field.range.upperBound : start...start
        case 2:
            let (start, end) = (try value(bounds[0], field), try value(bounds[1], field))
            guard start <= end else {
                throw ScheduleExpressionError(
                    "\(field.name): the range \(text) goes backwards; write it from the lower value to the higher"
                )
            }
            return start...end
        default:
            throw ScheduleExpressionError("\(field.name): \(text) is not a value or a range such as 1-5")
        }
    }

    /// One value: a number in the field's range, or one of its names.
    private static func value(_ text: String, _ field: Field) throws(ScheduleExpressionError) -> Int {
        if let index = field.names.firstIndex(of: text) {
            return field.range.lowerBound + index
        }
        guard let number = Int(text), text.allSatisfy(\.isNumber) else {
            let names = field.names.isEmpty ? "" : " or \(field.names.first!)-\(field.names.last!)"
            throw ScheduleExpressionError(
                "\(field.name): \(text.isEmpty ? "a value is missing" : "\(text) is not a number\(names)")"
            )
        }
        guard field.range.contains(number) else {
            throw ScheduleExpressionError(
                "\(field.name): \(number) is out of range; it takes \(field.range.lowerBound)-\(field.range.upperBound)"
            )
        }
        return number
    }
}
