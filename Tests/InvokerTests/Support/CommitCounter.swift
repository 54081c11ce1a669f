import GRDB
import Synchronization

/// Counts the transactions committed on a database.
final class CommitCounter: TransactionObserver, Sendable {
    /// How many transactions were committed.
    let commits = Atomic(0)

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }

    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidCommit(_ db: Database) {
        commits.add(1, ordering: .relaxed)
    }

    func databaseDidRollback(_ db: Database) {}
}
