import Foundation

/// One invocation as the invocation log keeps it: a row of the `invocations` table.
///
/// The coding keys are the snake_case column names (``Columns``), so the same names appear in the database, in
/// `invoker logs --json` and in any other JSON rendering of a record. Times are kept to the millisecond.
///
/// ```swift
/// log.append(
///     InvocationRecord(
///         id: ids.next(), function: "hello", trigger: .http, startedAt: start, endedAt: end,
///         durationMs: 1.8, waitMs: 0.1, cold: false, status: .success, httpStatus: 200,
///         requestBytes: 120, responseBytes: 17
///     )
/// )
/// ```
struct InvocationRecord: Codable, Sendable, Equatable {
    /// The invocation's id: a UUIDv7 in lower-case text form, also the Lambda request id the worker sees.
    var id: String
    /// The name of the invoked function, as in the manifest.
    var function: String
    /// What caused the invocation.
    var trigger: Trigger
    /// When a worker started the invocation.
    var startedAt: Date
    /// When the invocation ended (answered, failed, timed out or crashed).
    var endedAt: Date
    /// How long the invocation ran in its worker, in milliseconds.
    var durationMs: Double
    /// How long the worker took to start and initialise, in milliseconds; only on a cold start.
    var initDurationMs: Double? = nil
    /// How long the invocation was queued before a worker took it, in milliseconds.
    var waitMs: Double
    /// Whether the invocation started a new worker.
    var cold: Bool
    /// How the invocation ended.
    var status: Status
    /// The HTTP status answered to the caller, when the invocation came over HTTP.
    var httpStatus: Int? = nil
    /// The error type the function or the invoker reported, when the invocation failed.
    var errorType: String? = nil
    /// The error message the function or the invoker reported, when the invocation failed.
    var errorMessage: String? = nil
    /// The size of the event handed to the function, in bytes.
    var requestBytes: Int
    /// The size of the function's response, in bytes.
    var responseBytes: Int
    /// The process id of the worker that ran the invocation.
    var workerPid: Int32? = nil
    /// The worker's peak resident memory, in kilobytes, when known.
    var maxMemoryKB: Int? = nil
    /// The id of the queue message that caused the invocation, for queue-triggered invocations.
    var queueMessageId: String? = nil
    /// The delivery attempt of that queue message, starting at 1.
    var attempt: Int? = nil
    /// The worker's captured stdout and stderr during the invocation, already bounded by the caller.
    var log: String? = nil
    /// Who called, as the route's authorizer named them: the API key's name, or the JWT's `sub`; nil on open routes.
    var caller: String? = nil
    /// The name of the invoker node that ran the invocation (``NodeIdentity``); nil in records made before nodes
    /// were named.
    var node: String? = nil
    /// The generation of the function that ran it (see ``Generation``): which build and launch settings answered,
    /// across reloads; nil in records made before generations, and for invocations refused before any pool.
    var generation: String? = nil
    /// The slot a scheduled invocation fires (the event's `time`), for the trigger `schedule`; when it started is
    /// ``startedAt``.
    var scheduledAt: Date? = nil

    /// The record's snake_case names: the columns of its table.
    typealias CodingKeys = Columns
}
