import Foundation
import NIOCore
import NIOPosix

/// A TCP connection that sends exactly the bytes it is given and reads exactly what comes back: for requests no HTTP
/// client would send (broken framing, stalled heads, bodies the server does not read).
final class RawSocket {
    /// A response read off the wire.
    struct Answer {
        /// The status code.
        var status: Int
        /// The headers, names lower-cased.
        var headers: [String: String]
        /// The body, as `Content-Length` delimits it.
        var body: String

        /// The body as a JSON object, if it is one.
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
    }

    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var received = ByteBuffer()
    /// Whether the server closed its side.
    private(set) var sawEnd = false

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        inbound = channel.inbound.makeAsyncIterator()
    }

    /// A socket dropped unclosed (its test threw before closing it) is closed here: NIO stops the whole test process
    /// when an async channel's writer goes away unfinished.
    deinit {
        channel.outbound.finish()
        channel.channel.close(promise: nil)
    }

    /// Sends `text` as is.
    func send(_ text: String) async throws {
        try await channel.outbound.write(ByteBuffer(string: text))
    }

    /// The sending side, for a task that sends while another reads.
    var writer: NIOAsyncChannelOutboundWriter<ByteBuffer> { channel.outbound }

    /// Sends `count` bytes of `x` through `writer`, in pieces of at most 64 KiB; stops early, without an error, when
    /// the server closes the connection.
    static func sendFiller(count: Int, to writer: NIOAsyncChannelOutboundWriter<ByteBuffer>) async {
        var left = count
        let piece = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)
        while left > 0 {
            let size = min(left, piece.readableBytes)
            do { try await writer.write(piece.getSlice(at: 0, length: size)!) } catch { return }
            left -= size
        }
    }

    /// Reads one response, or nil when the connection ends first or `timeout` passes. A `bodyless` response (to
    /// `HEAD`) has no body whatever its `Content-Length`.
    func receive(timeout: Duration = .seconds(10), bodyless: Bool = false) async throws -> Answer? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let answer = try parse(bodyless: bodyless) { return answer }
            guard try await readMore(until: deadline) else { return nil }
        }
    }

    /// Whether the server closes the connection within `timeout` (whatever else it sends is discarded).
    func closedByServer(within timeout: Duration = .seconds(10)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !sawEnd {
            guard try await readMore(until: deadline) else { return sawEnd }
            received.clear()
        }
        return true
    }

    /// Closes the connection.
    func close() async {
        channel.outbound.finish()
        try? await channel.channel.close()
    }

    /// Reads what arrives before `deadline`; false when nothing more will (end of input, an error, or the deadline,
    /// which closes the connection).
    private func readMore(until deadline: ContinuousClock.Instant) async throws -> Bool {
        guard !sawEnd else { return false }
        let channel = self.channel.channel
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64((deadline - .now).nanoseconds))) {
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        let chunk = try? await inbound.next()
        guard var chunk else {
            // The end of the input, unless the deadline closed the connection.
            sawEnd = ContinuousClock.now < deadline
            return false
        }
        received.writeBuffer(&chunk)
        return true
    }

    /// Takes one complete response off the front of what was received, if there is one.
    private func parse(bodyless: Bool) throws -> Answer? {
        let view = received.readableBytesView
        guard let end = view.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw RawSocketError(message: "not a status line: \(head)")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        let length = bodyless ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = end.upperBound - view.startIndex
        guard view.count >= bodyStart + length else { return nil }
        let body = String(decoding: view.dropFirst(bodyStart).prefix(length), as: UTF8.self)
        received.moveReaderIndex(forwardBy: bodyStart + length)
        received.discardReadBytes()
        return Answer(status: status, headers: headers, body: body)
    }
}

/// What went wrong reading a response off the wire.
struct RawSocketError: Error {
    /// What was wrong.
    var message: String
}

extension Duration {
    /// The duration in nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
