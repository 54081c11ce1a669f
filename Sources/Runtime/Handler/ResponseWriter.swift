public import NIOCore

/// Where a ``StreamingHandler`` writes its response.
///
/// The response is sent when it is finished; write it once with ``writeAndFinish(_:)`` or in pieces with
/// ``write(_:)`` followed by ``finish()``. Writing after finishing throws.
public protocol ResponseWriter: Sendable {
    /// Appends bytes to the response.
    func write(_ buffer: ByteBuffer) async throws

    /// Ends the response and sends it to the invoker.
    func finish() async throws

    /// Appends bytes to the response, then ends it and sends it to the invoker.
    func writeAndFinish(_ buffer: ByteBuffer) async throws
}
