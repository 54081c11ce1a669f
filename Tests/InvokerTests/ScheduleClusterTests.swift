import Foundation
import PostgresNIO
import Testing

@testable import Invoker

/// Schedules on a cluster: every node runs a scheduler against the one PostgreSQL database, and the firings table
/// lets one node fire each slot.
@Suite("Scheduled triggers on a cluster", .serialized)
struct ScheduleClusterTests {
    @Test("two invoker processes on one PostgreSQL database fire each slot of rate(1 second) once between them")
    func twoNodes() async throws {
        let database = try await TestPostgres.shared().makeDatabase()
        let manifest = ScheduleTriggerTests.ticking()
        let shared = PostgresDatabase(url: database, logger: TestPostgres.logger)
        let records = try await TestCluster.run(database: database, manifests: [manifest, manifest]) { _ in
            try await shared.withRunningClient { _ in
                let store = try await PostgresInvocationStore.open(shared)
                var records: [InvocationRecord] = []
                let covered = try await eventually(timeout: .seconds(40)) {
                    records = try await store.list(filter: InvocationFilter(trigger: .schedule), limit: 1_000)
                    let slots = ScheduleTriggerTests.slots(records).slots
                    return (slots.max() ?? 0) - (slots.min() ?? 0) >= 10
                }
                #expect(covered, "the nodes fired slots for 10 seconds")
                return records
            }
        }
        let (slots, lateness) = ScheduleTriggerTests.slots(records)
        #expect(ScheduleTriggerTests.isContiguous(slots), "slots: \(slots.sorted())")
        #expect(records.allSatisfy { $0.attempt == 1 && $0.status == .success })
        // A pool runs once: the firings are read through a second one.
        let firings = try await PostgresDatabase(url: database, logger: TestPostgres.logger).withRunningClient {
            client in
            try await client.query(
                "SELECT scheduled_at, node FROM schedule_firings WHERE function = 'tick' AND schedule = 'tick'"
            ).decode((Int64, String?).self).reduce(into: [(Int64, String?)]()) { $0.append($1) }
        }
        #expect(Set(firings.map(\.0)).count == firings.count, "one firing per slot")
        #expect(Set(slots.map { $0 * 1000 }).isSubset(of: Set(firings.map(\.0))))
        let nodes = Dictionary(grouping: firings.compactMap(\.1), by: { $0 }).mapValues(\.count)
        let median = Int(lateness.sorted()[lateness.count / 2])
        print("cluster schedule: \(slots.count) slots, firings by node \(nodes), lateness p50 \(median) ms")
    }
}
