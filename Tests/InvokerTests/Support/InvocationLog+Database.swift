import GRDB

@testable import Invoker

extension InvocationLog {
    /// The SQLite database of a log opened with `init(path:…)`, for tests that read or change it directly.
    var database: DatabasePool {
        guard let sqlite = sink as? SQLiteInvocationSink else { preconditionFailure("the log is not in SQLite") }
        return sqlite.database
    }
}
