/// What one deployment did, function by function: the answer of `POST /system/reload` and `invoker reload`, and the
/// line a reload logs.
struct ReloadReport: Codable, Sendable, Equatable {
    /// Whether the new manifest (and binary) is served now. False when the reload was refused as a whole (the
    /// manifest or the binary is invalid): the previous version serves on, unchanged.
    var reloaded: Bool
    /// Why the reload was refused, in the words of the failure (the manifest's file, function and field).
    var error: String?
    /// The functions that are new, with their generation.
    var added: [String: String] = [:]
    /// The functions on a new generation, with it.
    var replaced: [String: String] = [:]
    /// The functions that kept their workers (their routes, scaling and queue settings may have changed).
    var unchanged: [String] = []
    /// The functions the manifest no longer has: they take no more requests, and their queues keep their messages.
    var removed: [String] = []
    /// The functions whose new generation failed to start, with the error: each serves on its previous generation.
    var failed: [String: String] = [:]
    /// How long the reload took, in milliseconds (the build, when there was one, not included).
    var durationMs: Double = 0

    /// A refused reload.
    static func refused(_ error: String) -> ReloadReport {
        ReloadReport(reloaded: false, error: error)
    }

    /// One line that says what changed.
    var summary: String {
        guard reloaded else { return "reload refused, the previous version keeps serving: \(error ?? "")" }
        var parts: [String] = []
        if !added.isEmpty { parts.append("added " + Self.list(added)) }
        if !replaced.isEmpty { parts.append("replaced " + Self.list(replaced)) }
        if !removed.isEmpty { parts.append("removed " + removed.sorted().joined(separator: ", ")) }
        if !failed.isEmpty {
            parts.append("kept the previous generation of " + failed.keys.sorted().joined(separator: ", "))
        }
        if parts.isEmpty { parts.append("no function needed new workers") }
        return "reloaded in \(Int(durationMs.rounded())) ms: " + parts.joined(separator: "; ")
    }

    private static func list(_ generations: [String: String]) -> String {
        generations.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
    }
}
