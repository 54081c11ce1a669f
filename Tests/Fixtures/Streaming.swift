import Foundation
import NIOCore
import Runtime

/// Streams its response; the options come from the query string over HTTP, or from a flat JSON object on a direct
/// invoke:
/// - `mode=gate&gate=PATH`: writes `first\n`, waits (up to 10 s) until the file PATH exists, then writes `last\n`,
///   so a test can show the first chunk arrives before the function writes the last.
/// - `mode=prelude`: status 201, header `x-stream: yes`, cookie `flavour=plain`, then the body `streamed`.
/// - `mode=fail`: writes `partial`, then throws `FixtureError`.
/// - `mode=bytes&bytes=N&chunk=C`: N bytes (byte i is `i % 251`) in writes of C bytes.
struct Streaming: StreamingHandler {
    private struct HTTPEvent: Decodable {
        var queryStringParameters: [String: String]?
    }

    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        let data = Data(event.readableBytesView)
        let options =
            try JSONDecoder().decode(HTTPEvent.self, from: data).queryStringParameters
            ?? JSONDecoder().decode([String: String].self, from: data)
        switch options["mode"] {
        case "gate":
            try await responseWriter.write(ByteBuffer(string: "first\n"))
            let path = options["gate"] ?? ""
            let deadline = ContinuousClock.now + .seconds(10)
            while !FileManager.default.fileExists(atPath: path) {
                guard ContinuousClock.now < deadline else { throw FixtureError(description: "no gate file \(path)") }
                try await Task.sleep(for: .milliseconds(5))
            }
            try await responseWriter.writeAndFinish(ByteBuffer(string: "last\n"))
        case "prelude":
            try await responseWriter.writeStatusAndHeaders(
                StreamingStatusAndHeaders(statusCode: 201, headers: ["x-stream": "yes"], cookies: ["flavour=plain"])
            )
            try await responseWriter.writeAndFinish(ByteBuffer(string: "streamed"))
        case "fail":
            try await responseWriter.write(ByteBuffer(string: "partial"))
            throw FixtureError(description: "failed mid-stream")
        case "bytes":
            let total = Int(options["bytes"] ?? "") ?? 0
            let chunk = max(1, Int(options["chunk"] ?? "") ?? 65_536)
            // The whole pattern at once, written in slices: byte by byte, a debug build takes seconds for 1 MiB.
            let pattern = (0..<total).map { UInt8($0 % 251) }
            var offset = 0
            repeat {
                let end = offset + min(chunk, total - offset)
                try await responseWriter.write(ByteBuffer(bytes: pattern[offset..<end]))
                offset = end
            } while offset < total
            try await responseWriter.finish()
        default:
            throw FixtureError(description: "expected mode gate, prelude, fail or bytes")
        }
    }
}
