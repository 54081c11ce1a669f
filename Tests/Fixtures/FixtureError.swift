/// The error the fixtures throw; reported with type `FixtureError` and its description as the message.
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}
