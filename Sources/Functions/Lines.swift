import Foundation
import NIOCore
import Runtime

/// Streams numbered lines, each as soon as it is written: `GET /stream?lines=5&delayMs=200` answers `line 1` at once
/// and the next line every 200 ms. `lineBytes` pads each line to that many bytes, for large streams
/// (`lines=16&lineBytes=65536&delayMs=0` streams 1 MiB).
struct Lines: StreamingHandler {
    private struct Request: Decodable {
        var queryStringParameters: [String: String]?
    }

    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        let query =
            (try? JSONDecoder().decode(Request.self, from: Data(event.readableBytesView)))?
            .queryStringParameters ?? [:]
        let lines = max(1, Int(query["lines"] ?? "") ?? 10)
        let delay = Duration.milliseconds(max(0, Int(query["delayMs"] ?? "") ?? 100))
        let lineBytes = Int(query["lineBytes"] ?? "")
        try await responseWriter.writeStatusAndHeaders(
            StreamingStatusAndHeaders(headers: ["content-type": "text/plain; charset=utf-8"])
        )
        for number in 1...lines {
            var line = ByteBuffer(string: "line \(number)")
            if let lineBytes {
                line.writeRepeatingByte(UInt8(ascii: "."), count: max(0, lineBytes - line.readableBytes - 1))
            }
            line.writeString("\n")
            try await responseWriter.write(line)
            if delay != .zero, number != lines { try await Task.sleep(for: delay) }
        }
        try await responseWriter.finish()
    }
}
