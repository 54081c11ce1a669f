extension Manifest {
    /// Every function's schedules, in function order.
    var schedules: [ScheduleDefinition] {
        functions.flatMap(\.schedules)
    }

    /// Rejects two schedules with one name: `invoker schedules run NAME` names a schedule alone.
    static func checkSchedulesAreUnique(_ functions: [FunctionDefinition], file: String) throws {
        var owners: [String: String] = [:]
        for function in functions {
            for (index, schedule) in function.schedules.enumerated() {
                if let other = owners[schedule.name] {
                    throw ManifestError(
                        file: file,
                        function: function.name,
                        field: "schedules[\(index)].name",
                        message: other == function.name
                            ? "\"\(schedule.name)\" names two schedules of this function"
                            : "\"\(schedule.name)\" is already the name of a schedule of function \"\(other)\";"
                                + " schedule names are unique in the manifest"
                    )
                }
                owners[schedule.name] = function.name
            }
        }
    }
}
