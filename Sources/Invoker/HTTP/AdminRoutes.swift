import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// The admin API besides `/system/functions`: the invocation log (`GET /system/invocations`, `GET
/// /system/invocations/{id}`) and metrics (`GET /metrics`, Prometheus text).
struct AdminRoutes: Sendable {
    /// The most records one page of `/system/invocations` returns.
    static let maximumPageSize = 1000

    /// The log the records are read from.
    let store: any InvocationStore
    /// The log the records are written to (for readiness and its backlog).
    let log: InvocationLog
    /// The functions, whose pools give the worker gauges.
    let catalog: FunctionCatalog
    /// The metrics to export.
    let metrics: InvokerMetrics

    /// Adds the routes to `admin`, the group that requires the admin key.
    func register(on admin: some RouterMethods<InvokerRequestContext>) {
        admin.get("/system/invocations") { request, _ in
            try await self.list(request)
        }
        admin.get("/system/invocations/{id}") { _, context in
            let id = try context.parameters.require("id")
            return try await Self.translatingLogErrors {
                let record = try await store.record(idOrPrefix: id)
                return Response.json(status: .ok, try InvocationFormatter().json(record))
            }
        }
        admin.get("/metrics") { _, _ in
            metrics.update(pools: catalog.pools, log: log)
            var text: [UInt8] = []
            metrics.registry.emit(into: &text)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: text))
            )
        }
    }

    /// One page of records, newest first: `{"invocations":[…],"nextCursor":"…"}`; the filters are the CLI's
    /// (`function`, `status` (repeatable or comma-separated), `trigger`, `since`, `until`), plus `limit` (1–1000,
    /// default 50) and `cursor` (the `nextCursor` of the previous page; absent on the last page).
    private func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = InvocationFilter()
        filter.function = query["function"].map(String.init)
        for value in query.getAll("status").flatMap({ $0.split(separator: ",") }) {
            guard let status = InvocationRecord.Status(rawValue: String(value)) else {
                throw InvokerError(
                    .invalidRequest,
                    "unknown status \"\(value)\"; use \(Self.names(InvocationRecord.Status.allCases))"
                )
            }
            filter.statuses.insert(status)
        }
        if let trigger = query["trigger"] {
            guard let value = InvocationRecord.Trigger(rawValue: String(trigger)) else {
                throw InvokerError(
                    .invalidRequest,
                    "unknown trigger \"\(trigger)\"; use \(Self.names(InvocationRecord.Trigger.allCases))"
                )
            }
            filter.trigger = value
        }
        filter.since = try query["since"].map { try Self.time(String($0), name: "since") }
        filter.until = try query["until"].map { try Self.time(String($0), name: "until") }
        let limit =
            try query["limit"].map { text in
                guard let limit = Int(text), (1...Self.maximumPageSize).contains(limit) else {
                    throw InvokerError(
                        .invalidRequest,
                        "limit must be a whole number from 1 to \(Self.maximumPageSize), got \"\(text)\""
                    )
                }
                return limit
            } ?? 50
        let cursor = query["cursor"].map(String.init)
        return try await Self.translatingLogErrors {
            let records = try await store.list(filter: filter, limit: limit, before: cursor)
            let formatter = InvocationFormatter()
            let items = try records.map(formatter.json).joined(separator: ",")
            let next = records.count == limit ? records.last.map { "\"\($0.id)\"" } ?? "null" : "null"
            return Response.json(status: .ok, #"{"invocations":["# + items + #"],"nextCursor":"# + next + "}")
        }
    }

    private static func time(_ text: String, name: String) throws -> Date {
        do {
            return try Logs.parseTime(text)
        } catch {
            throw InvokerError(.invalidRequest, "\(name) \"\(text)\" is not a time: \(error)")
        }
    }

    private static func names<T: RawRepresentable<String>>(_ values: [T]) -> String {
        values.map(\.rawValue).joined(separator: ", ")
    }

    /// Runs `body`, turning the log's errors a caller can cause into 404 and 400, and a shared database that does not
    /// answer into 503.
    private static func translatingLogErrors(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as InvocationLogError {
            switch error.code {
            case .invocationNotFound: throw InvokerError(.notFound, error.description)
            case .ambiguousPrefix, .invalidID: throw InvokerError(.invalidRequest, error.description)
            case .cannotRead: throw InvokerError(.databaseUnavailable, error.description)
            default: throw error
            }
        }
    }
}
