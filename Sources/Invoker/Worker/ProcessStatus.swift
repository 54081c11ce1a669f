#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Figures about a running process, read from `/proc`.
enum ProcessStatus {
    /// The peak resident set size (`VmHWM`) of process `pid`, in KiB; nil when it cannot be read.
    static func peakResidentKB(pid: Int32) -> Int? {
        withStatus(pid: pid) { field("VmHWM:", in: $0) }
    }

    /// The resident set size (`VmRSS`) and its peak (`VmHWM`) of process `pid`, in KiB, from one read; nil when they
    /// cannot be read.
    static func memoryKB(pid: Int32) -> (resident: Int, peak: Int)? {
        withStatus(pid: pid) { bytes in
            guard let resident = field("VmRSS:", in: bytes), let peak = field("VmHWM:", in: bytes) else { return nil }
            return (resident, peak)
        }
    }

    /// Calls `body` with the bytes of `/proc/<pid>/status`; nil when they cannot be read.
    private static func withStatus<Result>(
        pid: Int32,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result?
    ) -> Result? {
        let descriptor = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { buffer -> Result? in
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            guard count > 0 else { return nil }
            return body(UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// A `kB` field of a status file's `bytes`, found by scanning them.
    private static func field(_ name: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
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
