import Foundation

/// One schedule of a function, from the manifest's `schedules`, validated and with its defaults applied.
///
/// ```json
/// "schedules": [{"name": "nightly", "expression": "cron(0 3 * * ? *)", "timezone": "Europe/Paris",
///                "input": {"report": "daily"}, "catchUp": "latest", "maximumWindow": 3600}]
/// ```
struct ScheduleDefinition: Sendable, Equatable {
    /// Which slots missed while no invoker ran are fired on start (within ``maximumWindow``).
    enum CatchUp: String, Sendable, Equatable, CaseIterable {
        /// None: the schedule goes on from the next slot.
        case none
        /// The most recent missed slot only.
        case latest
        /// Every missed slot, oldest first.
        case all
    }

    /// The function it invokes.
    var function: String
    /// Its name, unique in the manifest.
    var name: String
    /// The expression as written (`cron(0 3 * * ? *)`).
    var text: String
    /// The expression, parsed.
    var expression: ScheduleExpression
    /// The time zone cron and `at` expressions are read in.
    var timeZone: TimeZone
    /// The time zone's name as the manifest gives it (Foundation calls `UTC` `GMT`).
    var timeZoneName: String
    /// The event the function receives instead of the Scheduled Event, as given.
    var input: JSONValue?
    /// Whether it fires; a disabled schedule is listed but fires only when run by hand.
    var enabled = true
    /// Which missed slots are fired on start.
    var catchUp = CatchUp.latest
    /// How late a slot may be fired: older slots are dropped (EventBridge's maximum event age defaults to a day too).
    var maximumWindow: Duration = Self.defaultMaximumWindow

    /// A schedule with the defaults; `timeZoneName` defaults to the zone's identifier.
    init(
        function: String,
        name: String,
        text: String,
        expression: ScheduleExpression,
        timeZone: TimeZone,
        timeZoneName: String? = nil
    ) {
        self.function = function
        self.name = name
        self.text = text
        self.expression = expression
        self.timeZone = timeZone
        self.timeZoneName = timeZoneName ?? timeZone.identifier
    }

    /// The default ``maximumWindow``: 24 hours.
    static let defaultMaximumWindow: Duration = .seconds(86_400)

    /// The schedule's identity in the store.
    var key: ScheduleKey { ScheduleKey(function: function, schedule: name) }

    /// The schedule's ARN, which its events name in `resources`: the function is its schedule group.
    var arn: String {
        "arn:aws:scheduler:\(WorkerLaunch.region):\(WorkerLaunch.accountID):schedule/\(function)/\(name)"
    }
}
