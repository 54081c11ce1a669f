import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Finds which user runs the process at the other end of a loopback TCP connection: the peer's own socket is the one
/// whose local address is the connection's remote one and whose remote address is its local one, and its owner is
/// the user. Linux answers through netlink socket diagnostics (see `TCPPeer+SocketDiagnostics.swift`) and lists it in
/// `/proc/net/tcp` and `/proc/net/tcp6` (the line's `uid` column), the fallback.
///
/// ```swift
/// let uid = TCPPeer.uid(peer: channel.remoteAddress!, local: channel.localAddress!)
/// ```
enum TCPPeer {
    /// The tables the kernel lists TCP sockets in, IPv4 then IPv6.
    static let tables = ["/proc/net/tcp", "/proc/net/tcp6"]

    /// The user id that owns the socket at `peer` connected to `local`: asked of the kernel through socket
    /// diagnostics, else read from the tables; nil when neither knows it (the peer is not on this machine, or it
    /// closed the connection already).
    static func uid(peer: SocketAddress, local: SocketAddress) -> uid_t? {
        socketDiagnosticsUID(peer: peer, local: local) ?? tablesUID(peer: peer, local: local)
    }

    /// The user id that owns the socket at `peer` connected to `local`, from `/proc/net/tcp` and `tcp6`.
    static func tablesUID(peer: SocketAddress, local: SocketAddress) -> uid_t? {
        guard let peerAddress = tableAddress(peer), let localAddress = tableAddress(local) else { return nil }
        for table in tables {
            guard let text = read(table) else { continue }
            if let uid = uid(in: text, local: peerAddress, remote: localAddress) { return uid }
        }
        return nil
    }

    /// The `uid` of the line of `table` (the text of `/proc/net/tcp` or `tcp6`) whose local and remote addresses are
    /// `local` and `remote`, as the table writes them.
    static func uid(in table: String, local: String, remote: String) -> uid_t? {
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 7, fields[1] == local, fields[2] == remote else { continue }
            return uid_t(fields[7])
        }
        return nil
    }

    /// `address` as the tables write it: the address's bytes as 32-bit words in host order, each `%08X`, then `:`
    /// and the port as `%04X`.
    static func tableAddress(_ address: SocketAddress) -> String? {
        guard let port = address.port else { return nil }
        // Where the address's bytes start in `sockaddr_in` and `sockaddr_in6` (after the family and port, and for
        // IPv6 the flow label), and how many there are.
        let (offset, count): (Int, Int)
        switch address {
        case .v4: (offset, count) = (4, 4)
        case .v6: (offset, count) = (8, 16)
        default: return nil
        }
        let hex = address.withSockAddr { pointer, _ in
            let raw = UnsafeRawPointer(pointer) + offset
            return stride(from: 0, to: count, by: 4).map {
                word(raw.loadUnaligned(fromByteOffset: $0, as: UInt32.self))
            }
            .joined()
        }
        return hex + ":" + hexDigits(UInt32(port), width: 4)
    }

    private static func word(_ value: UInt32) -> String {
        hexDigits(value, width: 8)
    }

    private static func hexDigits(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The whole text of a `/proc` file (whose size the file system does not know in advance).
    private static func read(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes += chunk[0..<count]
        }
    }
}
