import Logging
import NIOCore

/// Fetches invocations one at a time, runs the handler on each and sends back its response or error.
///
/// A handler error is reported and the loop carries on. The loop ends when the invoker closes the connection; any
/// other failure to talk to the invoker is thrown.
struct InvocationLoop<Client: RuntimeClient, Wrapped: StreamingHandler>: Sendable {
    var client: Client
    var handler: Wrapped
    /// `AWS_LAMBDA_FUNCTION_NAME`, handed to every ``Context``.
    var functionName: String
    var logger: Logger

    func run() async throws {
        do {
            while true {
                try await self.invokeNext()
            }
        } catch let error as RuntimeClientError where error.code == .connectionClosed {
            self.logger.debug("The invoker closed the connection", metadata: [MetadataKey.reason: "\(error)"])
        }
    }

    private func invokeNext() async throws {
        let (metadata, event) = try await self.client.nextInvocation()
        var logger = self.logger
        logger[metadataKey: MetadataKey.invocationID] = "\(metadata.requestID)"
        let context = Context(
            requestID: metadata.requestID,
            deadline: metadata.deadline,
            invokedFunctionARN: metadata.invokedFunctionARN,
            traceID: metadata.traceID,
            clientContext: metadata.clientContext,
            cognitoIdentity: metadata.cognitoIdentity,
            functionName: self.functionName,
            logger: logger
        )
        if case .http(let request) = event, let handler = self.handler as? any HTTPEventHandler {
            // The native transport's fast path: the typed request in, the typed response out, no JSON.
            let response: FunctionURLResponse
            do {
                response = try await handler.handle(http: request, context: context)
            } catch {
                return try await self.client.reportError(requestID: metadata.requestID, error: FunctionError(error))
            }
            return try await self.client.reportHTTPResponse(requestID: metadata.requestID, response: response)
        }
        let writer = InvocationResponseWriter(client: self.client, requestID: metadata.requestID)
        do {
            try await self.handler.handle(try event.bytes, responseWriter: writer, context: context)
            try await writer.finishIfNeeded()
        } catch let error as RuntimeClientError {
            throw error
        } catch {
            guard try await writer.fail(with: FunctionError(error)) else {
                logger.info("The handler threw after finishing its response", metadata: [MetadataKey.error: "\(error)"])
                return
            }
        }
    }
}
