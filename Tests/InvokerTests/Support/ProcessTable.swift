import Foundation

/// Reads `/proc` to find worker processes, spawners and invokers, and what is left of them.
enum ProcessTable {
    /// A process: its id, parent, process group and state letter.
    struct Entry {
        var pid: Int32
        var parent: Int32
        var group: Int32
        var state: Character
    }

    /// Every process of the machine.
    static func all() -> [Entry] {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { Int32($0) } ?? []
        return pids.compactMap(entry)
    }

    /// Process `pid`, if it exists.
    static func entry(_ pid: Int32) -> Entry? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let state = fields[0].first, let parent = Int32(fields[1]),
            let group = Int32(fields[2])
        else { return nil }
        return Entry(pid: pid, parent: parent, group: group, state: state)
    }

    /// The processes of group `group` that are still running (not zombies).
    static func liveMembers(ofGroup group: Int32) -> [Entry] {
        all().filter { $0.group == group && $0.state != "Z" }
    }

    /// The zombie children of `parent`.
    static func zombieChildren(of parent: Int32) -> [Entry] {
        all().filter { $0.parent == parent && $0.state == "Z" }
    }

    /// Whether process `pid` exists and is not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        entry(pid).map { $0.state != "Z" } ?? false
    }

    /// The arguments process `pid` was started with.
    static func arguments(of pid: Int32) -> [String] {
        guard let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
        return command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The `invoker serve` process whose arguments include `manifest`.
    static func invoker(manifest: String) -> Entry? {
        all().first { arguments(of: $0.pid).contains("serve") && arguments(of: $0.pid).contains(manifest) }
    }

    /// The spawner of invoker `pid`.
    static func spawner(of pid: Int32) -> Entry? {
        all().first { $0.parent == pid && arguments(of: $0.pid) == ["invoker", "spawner"] && $0.state != "Z" }
    }
}
