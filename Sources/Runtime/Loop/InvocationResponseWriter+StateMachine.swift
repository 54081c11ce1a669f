extension InvocationResponseWriter {
    /// Where a response stands, as a pure state machine: each event says what the handler did and returns what the
    /// writer must send. Not yet sent, then either sent whole (finished at once) or streaming until finished.
    struct StateMachine: Sendable {
        private enum State {
            case unsent
            case streaming
            case finished
        }

        private var state = State.unsent

        /// What to send for a ``ResponseWriter/write(_:)``.
        enum WriteAction: Equatable {
            /// Start the stream, then send the bytes as its first chunk.
            case startStream
            /// Send the bytes as the stream's next chunk.
            case writeChunk
            /// Nothing: the response is finished, and the write throws.
            case alreadyFinished
        }

        /// What to send for a ``ResponseWriter/writeStatusAndHeaders(_:)``.
        enum HeadAction: Equatable {
            /// Start the stream with the status and headers as its prelude.
            case startStream
            /// Nothing: the body has begun, too late for a status; the call throws.
            case alreadyStarted
            /// Nothing: the response is finished, and the call throws.
            case alreadyFinished
        }

        /// What to send when the response ends.
        enum FinishAction: Equatable {
            /// Send the last bytes as the whole response, in one request: nothing was streamed.
            case sendWhole
            /// Send the last bytes, if any, as a chunk, then end the stream.
            case endStream
            /// Nothing: the response was already finished.
            case alreadyFinished
        }

        /// What to send when the handler throws.
        enum FailAction: Equatable {
            /// Report the error as the invocation's: nothing was sent yet.
            case reportError
            /// End the stream with the error.
            case endStreamWithError
            /// Nothing: the response was finished before the error.
            case alreadyFinished
        }

        /// The handler writes bytes.
        mutating func write() -> WriteAction {
            switch self.state {
            case .unsent:
                self.state = .streaming
                return .startStream
            case .streaming:
                return .writeChunk
            case .finished:
                return .alreadyFinished
            }
        }

        /// The handler writes the response's status and headers.
        mutating func writeStatusAndHeaders() -> HeadAction {
            switch self.state {
            case .unsent:
                self.state = .streaming
                return .startStream
            case .streaming:
                return .alreadyStarted
            case .finished:
                return .alreadyFinished
            }
        }

        /// The handler finishes the response (or returns without having finished it).
        mutating func finish() -> FinishAction {
            defer { self.state = .finished }
            switch self.state {
            case .unsent: return .sendWhole
            case .streaming: return .endStream
            case .finished: return .alreadyFinished
            }
        }

        /// The handler throws.
        mutating func fail() -> FailAction {
            defer { self.state = .finished }
            switch self.state {
            case .unsent: return .reportError
            case .streaming: return .endStreamWithError
            case .finished: return .alreadyFinished
            }
        }
    }
}
