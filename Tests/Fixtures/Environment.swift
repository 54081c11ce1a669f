import NIOCore
import Runtime

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whatever the event, answers the worker's environment as a JSON object.
struct Environment: StreamingHandler {
    func handle(_ event: ByteBuffer, responseWriter: some ResponseWriter, context: Context) async throws {
        var variables: [String: String] = [:]
        #if canImport(Darwin)
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = _NSGetEnviron().pointee
        #else
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        #endif
        while let pointer = entry?.pointee {
            let variable = String(cString: pointer)
            if let equals = variable.firstIndex(of: "=") {
                variables[String(variable[..<equals])] = String(variable[variable.index(after: equals)...])
            }
            entry = entry?.advanced(by: 1)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try await responseWriter.writeAndFinish(ByteBuffer(bytes: try encoder.encode(variables)))
    }
}
