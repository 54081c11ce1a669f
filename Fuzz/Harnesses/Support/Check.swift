/// Stops the run with `message` when a property the harness checks does not hold, so that libFuzzer saves the input.
/// (`precondition` would stop it too, but says nothing in an optimized build.)
func check(_ condition: Bool, _ message: @autoclosure () -> String, line: UInt = #line) {
    guard !condition else { return }
    fatalError("Property violated: \(message())", line: line)
}

/// Stops the run with `message`: a property does not hold.
func fail(_ message: String, line: UInt = #line) -> Never {
    fatalError("Property violated: \(message)", line: line)
}
