/// The Swift source `invoker new` writes for each kind of function: a small working handler in the style of the
/// examples in `Sources/Functions`, to be edited from there.
enum FunctionTemplate {
    /// The source of `Sources/Functions/<TypeName>.swift` for a function of `kind` named `name`.
    static func source(_ kind: FunctionKind, name: FunctionName) -> String {
        switch kind {
        case .http: http(name)
        case .json: json(name)
        case .queue: queue(name)
        }
    }

    private static func http(_ name: FunctionName) -> String {
        #"""
        import Runtime

        /// Greets over HTTP with the path it was called on: `GET /\#(name.name)?name=Ada` answers
        /// `Hello, Ada, from /\#(name.name)!`.
        struct \#(name.typeName): HTTPHandler {
            func handle(_ request: FunctionURLRequest, context: Context) async throws -> FunctionURLResponse {
                let name = request.queryStringParameters?["name"] ?? "world"
                return FunctionURLResponse(text: "Hello, \(name), from \(request.rawPath)!")
            }
        }

        """#
    }

    private static func json(_ name: FunctionName) -> String {
        #"""
        import Runtime

        /// Greets in JSON, through `POST /function/\#(name.name)` or the Invoke API: `{"name":"Ada"}` gives
        /// `{"message":"Hello, Ada!"}`.
        struct \#(name.typeName): Handler {
            struct Input: Decodable {
                var name: String
            }

            struct Output: Encodable {
                var message: String
            }

            func handle(_ input: Input, context: Context) async throws -> Output {
                Output(message: "Hello, \(input.name)!")
            }
        }

        """#
    }

    private static func queue(_ name: FunctionName) -> String {
        #"""
        import Runtime

        /// Takes the messages of queue `\#(name.name)` in batches. A message it cannot handle (here: an empty one) is
        /// reported as failed, so only that one is delivered again, and after the queue's retries it ends in the
        /// dead-letter queue.
        struct \#(name.typeName): QueueHandler {
            func handle(_ event: SQSEvent, context: Context) async throws -> SQSBatchResponse {
                var failed: [String] = []
                for message in event.records {
                    if message.body.isEmpty {
                        print("\(message.messageId): empty")
                        failed.append(message.messageId)
                    } else {
                        print("\(message.messageId): \(message.body.count) characters")
                    }
                }
                return SQSBatchResponse(failedMessageIDs: failed)
            }
        }

        """#
    }
}
