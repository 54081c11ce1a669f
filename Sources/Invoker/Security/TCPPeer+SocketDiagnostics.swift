import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension TCPPeer {
    /// The netlink protocol of socket diagnostics (`NETLINK_SOCK_DIAG`, `linux/netlink.h`).
    private static let netlinkSocketDiagnostics: CInt = 4
    /// The request that looks one socket up by its addresses (`SOCK_DIAG_BY_FAMILY`, `linux/sock_diag.h`).
    private static let socketDiagnosticsByFamily: UInt16 = 20
    /// The message type of a netlink error reply (`NLMSG_ERROR`).
    private static let netlinkError: UInt16 = 2
    /// Where the owner's uid sits in the reply: after the 16-byte `nlmsghdr`, at offset 64 of `inet_diag_msg`.
    private static let uidOffset = 16 + 64

    /// The user id that owns the socket at `peer` connected to `local`, asked of the kernel through netlink socket
    /// diagnostics (`inet_diag`, as `ss` asks it): one exact lookup by the connection's addresses, microseconds where
    /// reading `/proc/net/tcp` walks the whole socket hash table (milliseconds). Nil when the kernel has no such
    /// socket or does not answer.
    static func socketDiagnosticsUID(peer: SocketAddress, local: SocketAddress) -> uid_t? {
        guard let request = diagnosticsRequest(peer: peer, local: local) else { return nil }
        let descriptor = socket(
            AF_NETLINK,
            CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue),
            netlinkSocketDiagnostics
        )
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // Unbound and unconnected, a netlink socket sends to the kernel; the kernel answers before `send` returns.
        let sent = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { return nil }
        var reply = [UInt8](repeating: 0, count: 1024)
        let received = reply.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, CInt(MSG_DONTWAIT)) }
        guard received >= uidOffset + 4 else { return nil }
        return reply.withUnsafeBytes { raw in
            guard raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self) == socketDiagnosticsByFamily else { return nil }
            return raw.loadUnaligned(fromByteOffset: uidOffset, as: UInt32.self)
        }
    }

    /// A `nlmsghdr` and `inet_diag_req_v2` asking for the TCP socket whose source is `peer` and destination `local`.
    static func diagnosticsRequest(peer: SocketAddress, local: SocketAddress) -> [UInt8]? {
        guard let source = rawAddress(peer), let destination = rawAddress(local), source.family == destination.family
        else { return nil }
        var request: [UInt8] = []
        func append<T>(_ value: T) { withUnsafeBytes(of: value) { request += $0 } }
        append(UInt32(72))  // nlmsg_len
        append(socketDiagnosticsByFamily)  // nlmsg_type
        append(UInt16(1))  // nlmsg_flags: NLM_F_REQUEST
        append(UInt32(1))  // nlmsg_seq
        append(UInt32(0))  // nlmsg_pid
        request += [source.family, UInt8(IPPROTO_TCP), 0, 0]  // sdiag_family, sdiag_protocol, idiag_ext, pad
        append(UInt32.max)  // idiag_states: every state
        request += source.port + destination.port  // idiag_sport, idiag_dport (network order)
        request += source.address + destination.address  // idiag_src, idiag_dst (16 bytes each)
        append(UInt32(0))  // idiag_if
        append(UInt32.max)  // idiag_cookie: INET_DIAG_NOCOOKIE
        append(UInt32.max)
        return request
    }

    /// The family, the port's two bytes and the address's bytes (padded to 16) of `address`, in network order.
    private static func rawAddress(_ address: SocketAddress) -> (family: UInt8, port: [UInt8], address: [UInt8])? {
        let (family, offset, count): (CInt, Int, Int)
        switch address {
        case .v4: (family, offset, count) = (AF_INET, 4, 4)
        case .v6: (family, offset, count) = (AF_INET6, 8, 16)
        default: return nil
        }
        return address.withSockAddr { pointer, _ in
            let raw = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: offset + count)
            let bytes = Array(raw[offset..<(offset + count)])
            return (UInt8(family), Array(raw[2..<4]), bytes + Array(repeating: 0, count: 16 - count))
        }
    }
}
