#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
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

    /// A `kB` field of `/proc/<pid>/status`, found by scanning the bytes.
    private static func field(_ name: StaticString, pid: Int32) -> Int? {
        let descriptor = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer -> Int? in
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            guard count > 0 else { return nil }
            let bytes = UnsafeBufferPointer(rebasing: buffer[..<count])
            guard let start = UnsafeRawBufferPointer(bytes).offset(afterFirst: name) else { return nil }
            var value = 0
            var seenDigit = false
            for byte in bytes[start...] {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                    seenDigit = true
                } else if seenDigit || byte == UInt8(ascii: "\n") {
                    break
                }
            }
            return seenDigit ? value : nil
        }
    }
}
