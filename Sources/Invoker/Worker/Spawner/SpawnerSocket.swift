#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One end of the `SOCK_SEQPACKET` socket pair between the invoker and its spawner: each message arrives whole or not
/// at all, and may carry descriptors (`SCM_RIGHTS`).
struct SpawnerSocket: Sendable {
    /// The socket's descriptor.
    let descriptor: CInt

    /// The most descriptors one message carries (a worker's standard input and its output).
    static let maximumDescriptors = 2

    /// A connected pair, both ends close-on-exec; nil and `errno` set when the system refuses one.
    static func pair() -> (SpawnerSocket, SpawnerSocket)? {
        var fds: [CInt] = [-1, -1]
        let type = Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { return nil }
        return (SpawnerSocket(descriptor: fds[0]), SpawnerSocket(descriptor: fds[1]))
    }

    /// Sends `bytes` with `descriptors`; returns 0, or the `errno` of the failure. With `wait` false a full socket
    /// fails with `EAGAIN` instead of blocking.
    func send(_ bytes: [UInt8], descriptors: [CInt] = [], wait: Bool = true) -> Int32 {
        precondition(descriptors.count <= Self.maximumDescriptors, "too many descriptors: \(descriptors)")
        let flags = Int32(MSG_NOSIGNAL) | (wait ? 0 : Int32(MSG_DONTWAIT))
        let control = Self.controlSpace(descriptors.count)
        return bytes.withUnsafeBytes { payload in
            withUnsafeTemporaryAllocation(byteCount: max(control, 1), alignment: 8) { buffer in
                var vector = iovec(
                    iov_base: UnsafeMutableRawPointer(mutating: payload.baseAddress),
                    iov_len: payload.count
                )
                return withUnsafeMutablePointer(to: &vector) { vector in
                    var message = msghdr()
                    message.msg_iov = vector
                    message.msg_iovlen = 1
                    if !descriptors.isEmpty {
                        buffer.initializeMemory(as: UInt8.self, repeating: 0)
                        let header = buffer.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
                        header.pointee.cmsg_len = MemoryLayout<cmsghdr>.size + descriptors.count * 4
                        header.pointee.cmsg_level = SOL_SOCKET
                        header.pointee.cmsg_type = Int32(SCM_RIGHTS)
                        let data = buffer.baseAddress! + MemoryLayout<cmsghdr>.size
                        for (index, descriptor) in descriptors.enumerated() {
                            data.storeBytes(of: descriptor, toByteOffset: index * 4, as: CInt.self)
                        }
                        message.msg_control = buffer.baseAddress
                        message.msg_controllen = control
                    }
                    while true {
                        if sendmsg(descriptor, &message, flags) >= 0 { return 0 }
                        if errno != EINTR { return errno }
                    }
                }
            }
        }
    }

    /// A received message: its bytes and the descriptors it carried (close-on-exec, now owned by the receiver).
    struct Message {
        var bytes: [UInt8]
        var descriptors: [CInt]
    }

    /// Waits for the next message of at most `capacity` bytes; nil at the end of the stream (the other end closed) or
    /// on an error, with `errno` set (0 at the end). A message cut short (too long, or too many descriptors) comes
    /// back empty, its descriptors closed.
    func receive(capacity: Int) -> Message? {
        let control = Self.controlSpace(Self.maximumDescriptors)
        var descriptors: [CInt] = []
        var ended = false
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { payload, initialized in
            withUnsafeTemporaryAllocation(byteCount: control, alignment: 8) { buffer in
                var vector = iovec(iov_base: payload.baseAddress, iov_len: payload.count)
                withUnsafeMutablePointer(to: &vector) { vector in
                    var message = msghdr()
                    message.msg_iov = vector
                    message.msg_iovlen = 1
                    message.msg_control = buffer.baseAddress
                    message.msg_controllen = control
                    var count: Int
                    repeat {
                        count = recvmsg(descriptor, &message, Int32(MSG_CMSG_CLOEXEC))
                    } while count < 0 && errno == EINTR
                    guard count > 0 else {
                        if count == 0 { errno = 0 }
                        ended = true
                        return
                    }
                    if message.msg_controllen >= MemoryLayout<cmsghdr>.size {
                        let header = buffer.baseAddress!.assumingMemoryBound(to: cmsghdr.self).pointee
                        if header.cmsg_level == SOL_SOCKET && header.cmsg_type == Int32(SCM_RIGHTS) {
                            let number = (header.cmsg_len - MemoryLayout<cmsghdr>.size) / 4
                            let data = buffer.baseAddress! + MemoryLayout<cmsghdr>.size
                            descriptors = (0..<number).map { data.load(fromByteOffset: $0 * 4, as: CInt.self) }
                        }
                    }
                    let truncated = Int32(MSG_TRUNC) | Int32(MSG_CTRUNC)
                    if message.msg_flags & truncated != 0 {
                        for descriptor in descriptors { POSIX.close(descriptor) }
                        descriptors = []
                        count = 0
                    }
                    initialized = count
                }
            }
        }
        return ended ? nil : Message(bytes: bytes, descriptors: descriptors)
    }

    /// Closes the socket.
    func close() {
        POSIX.close(descriptor)
    }

    /// `CMSG_SPACE` for `count` descriptors.
    private static func controlSpace(_ count: Int) -> Int {
        MemoryLayout<cmsghdr>.size + (count * 4 + 7) / 8 * 8
    }
}
