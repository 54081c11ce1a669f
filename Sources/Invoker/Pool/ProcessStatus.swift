#if canImport(Glibc)
import Glibc
#endif

/// Figures about a running process, read from `/proc`.
enum ProcessStatus {
    /// The peak resident set size (`VmHWM`) of process `pid`, in KiB; nil when it cannot be read.
    static func peakResidentKB(pid: Int32) -> Int? {
        field("VmHWM:", pid: pid)
    }

    /// The resident set size (`VmRSS`) of process `pid`, in KiB; nil when it cannot be read.
    static func residentKB(pid: Int32) -> Int? {
        field("VmRSS:", pid: pid)
    }

    /// A `kB` field of `/proc/<pid>/status`.
    private static func field(_ name: String, pid: Int32) -> Int? {
        let descriptor = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
    }
}
