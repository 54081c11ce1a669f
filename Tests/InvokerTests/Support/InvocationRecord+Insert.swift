import GRDB

@testable import Invoker

extension InvocationRecord {
    /// Inserts the record the way the log's writer does, for tests that fill a database directly; throws if a
    /// record with its id is already there.
    func insert(_ db: Database) throws {
        guard try InvocationInsertStatement(db).insert(self) else {
            throw DatabaseError(
                resultCode: .SQLITE_CONSTRAINT,
                message: "an invocation record with id \(id) is already in the table"
            )
        }
    }
}
