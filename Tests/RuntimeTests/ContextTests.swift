import Testing

@testable import Runtime

@Suite("Context")
struct ContextTests {
    @Test func remainingTimeCountsDownToTheDeadline() {
        let now = Context(requestID: "r", deadline: 0, logger: testLogger).remainingTime
        let deadline = -now.components.seconds * 1000 + 10_000
        let remaining = Context(requestID: "r", deadline: deadline, logger: testLogger).remainingTime
        #expect(remaining > .seconds(8) && remaining <= .seconds(11))
    }

    @Test func remainingTimeIsNegativeAfterTheDeadline() {
        #expect(Context(requestID: "r", deadline: 1_000, logger: testLogger).remainingTime < .zero)
    }
}
