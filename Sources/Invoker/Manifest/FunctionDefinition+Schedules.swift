import Foundation

extension ScheduleDefinition {
    /// The fields a schedule may have in the manifest.
    static let fields = ["name", "expression", "timezone", "input", "enabled", "catchUp", "maximumWindow"]

    /// The largest `input`, as JSON: Lambda's limit for an asynchronous event.
    static let maximumInputBytes = PayloadLimits.asynchronousEvent

    /// Reads and validates one entry of a function's `schedules`; every error names the field and what is wrong.
    init(_ object: ManifestObject, function: String) throws {
        try object.rejectUnknownKeys(Self.fields)
        guard let name = try object.string("name") else {
            throw object.error("name", "is missing; every schedule has a name, unique in the manifest")
        }
        guard (1...64).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw object.error("name", "must be 1 to 64 letters, digits, '-', '_' or '.', got \"\(name)\"")
        }
        guard let text = try object.string("expression") else {
            throw object.error(
                "expression",
                "is missing; write rate(5 minutes), cron(0 3 * * ? *) or at(2026-12-24T18:00:00)"
            )
        }
        let expression: ScheduleExpression
        do {
            expression = try ScheduleExpression(parsing: text)
        } catch {
            throw object.error("expression", error.message)
        }
        let zoneName = try object.string("timezone") ?? "UTC"
        guard let timeZone = TimeZone(identifier: zoneName) else {
            throw object.error(
                "timezone",
                "\"\(zoneName)\" is not a time zone; use an IANA name such as \"Europe/Paris\" or \"UTC\""
            )
        }
        if case .at(let time) = expression, timeZone.instants(showing: time).isEmpty {
            throw object.error(
                "expression",
                "\(text): \(time) does not exist in \(zoneName) (the clocks skip it when daylight saving time"
                    + " starts); choose a time outside the skipped hour"
            )
        }
        self.init(
            function: function,
            name: name,
            text: text,
            expression: expression,
            timeZone: timeZone,
            timeZoneName: zoneName
        )
        if let input = object.members["input"] {
            let size = try input.json().count
            guard size <= Self.maximumInputBytes else {
                throw object.error("input", "takes \(size) bytes as JSON, more than the limit of 262144")
            }
            self.input = input
        }
        self.enabled = try object.bool("enabled") ?? enabled
        if let catchUp = try object.string("catchUp") {
            guard let value = CatchUp(rawValue: catchUp) else {
                let names = CatchUp.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                throw object.error("catchUp", "must be one of \(names), got \"\(catchUp)\"")
            }
            self.catchUp = value
        }
        self.maximumWindow = try object.seconds("maximumWindow", in: 1...2_592_000) ?? maximumWindow
    }
}

extension FunctionDefinition {
    /// The function's `schedules`, each read with the function's name.
    static func schedules(_ object: ManifestObject, function: String) throws -> [ScheduleDefinition] {
        try (object.objects("schedules") ?? []).map { try ScheduleDefinition($0, function: function) }
    }
}
