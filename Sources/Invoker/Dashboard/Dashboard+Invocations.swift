import Foundation
import Hummingbird

extension Dashboard {
    /// How many invocations a page of the list shows.
    static let pageSize = 50

    /// `GET /dashboard/invocations`: the invocation log, newest first, with `invoker logs`'s filters (`function`,
    /// `status`, `trigger`, `since`, `until`: the CLI's time forms, such as `15m` or `2026-12-02 08:00`) and paging
    /// (`cursor`: the last id of the previous page).
    func invocationList(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let value = { (name: String) in query[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = InvocationFilter(function: value("function"))
        var problems: [String] = []
        if let status = value("status") {
            if let status = InvocationRecord.Status(rawValue: status) {
                filter.statuses = [status]
            } else {
                problems.append("unknown status \"\(status)\"")
            }
        }
        if let trigger = value("trigger") {
            if let trigger = InvocationRecord.Trigger(rawValue: trigger) {
                filter.trigger = trigger
            } else {
                problems.append("unknown trigger \"\(trigger)\"")
            }
        }
        for (name, keyPath) in [("since", \InvocationFilter.since), ("until", \InvocationFilter.until)] {
            guard let text = value(name) else { continue }
            if let time = try? Logs.parseTime(text) {
                filter[keyPath: keyPath] = time
            } else {
                problems.append("\(name) \"\(text)\" is not a time such as 15m, 2h or 2026-12-02 08:00")
            }
        }
        let cursor = value("cursor")
        var records: [InvocationRecord] = []
        if problems.isEmpty {
            do {
                records = try await invocations.list(filter: filter, limit: Self.pageSize, before: cursor)
            } catch {
                problems.append("the invocation log cannot be read: \(error)")
            }
        }
        var next: String?
        if records.count == Self.pageSize, let last = records.last {
            var components = URLComponents()
            components.queryItems =
                ["function", "status", "trigger", "since", "until"].compactMap { name in
                    value(name).map { URLQueryItem(name: name, value: $0) }
                } + [URLQueryItem(name: "cursor", value: last.id)]
            next = "/dashboard/invocations?" + (components.percentEncodedQuery ?? "")
        }
        let functionNames = Set(pools().map(\.function.name)).union(filter.function.map { [$0] } ?? []).sorted()
        let context: [String: Any] = [
            "title": "Invocations",
            "page": "invocations",
            "navInvocations": true,
            "csrf": csrfToken(of: request),
            "functions": functionNames.map { ["name": $0, "selected": $0 == filter.function] },
            "statuses": InvocationRecord.Status.allCases.map {
                ["name": $0.rawValue, "selected": filter.statuses.contains($0)]
            },
            "triggers": InvocationRecord.Trigger.allCases.map {
                ["name": $0.rawValue, "selected": filter.trigger == $0]
            },
            "since": value("since") ?? "",
            "until": value("until") ?? "",
            "problems": problems,
            "invocations": records.map(DashboardRows.invocation),
            "empty": records.isEmpty && problems.isEmpty,
            "next": next ?? "",
            "hasNext": next != nil,
            "paged": cursor != nil,
            // The first page follows new invocations live, as the filter lets them through.
            "live": cursor == nil && filter.since == nil && filter.until == nil,
            "filterFunction": filter.function ?? "",
            "filterStatus": filter.statuses.first?.rawValue ?? "",
            "filterTrigger": filter.trigger?.rawValue ?? "",
        ]
        return pages.page("invocations", context, status: problems.isEmpty ? .ok : .badRequest)
    }

    /// `GET /dashboard/invocations/{id}`: every field of one record and its captured output.
    func invocationPage(_ request: Request, id: String) async throws -> Response {
        let record: InvocationRecord
        do {
            record = try await invocations.record(idOrPrefix: id)
        } catch let error as InvocationLogError where error.code == .invocationNotFound {
            return pages.message(
                "Not found",
                "No invocation \(id) is in the log (yet: records are written within a moment of the invocation's end).",
                status: .notFound
            )
        } catch let error as InvocationLogError where error.code == .ambiguousPrefix || error.code == .invalidID {
            return pages.message("Not found", error.description, status: .notFound)
        }
        let optional = { (value: Any?) -> String in value.map { "\($0)" } ?? "–" }
        let fields: [(String, String)] = [
            ("id", record.id),
            ("function", record.function),
            ("trigger", record.trigger.rawValue),
            ("status", record.status.rawValue),
            ("HTTP status", optional(record.httpStatus)),
            ("started", DashboardFormat.time(record.startedAt)),
            ("ended", DashboardFormat.time(record.endedAt)),
            ("duration", DashboardFormat.milliseconds(record.durationMs)),
            ("init duration", DashboardFormat.milliseconds(record.initDurationMs)),
            ("wait", DashboardFormat.milliseconds(record.waitMs)),
            ("cold start", record.cold ? "yes" : "no"),
            ("error type", optional(record.errorType)),
            ("error message", optional(record.errorMessage)),
            ("request size", "\(record.requestBytes) B"),
            ("response size", "\(record.responseBytes) B"),
            ("worker pid", optional(record.workerPid)),
            ("max memory", record.maxMemoryKB.map { "\($0) KB" } ?? "–"),
            ("queue message", optional(record.queueMessageId)),
            ("attempt", optional(record.attempt)),
            ("caller", optional(record.caller)),
            ("node", optional(record.node)),
        ]
        let context: [String: Any] = [
            "title": "Invocation \(record.id)",
            "page": "invocation",
            "navInvocations": true,
            "csrf": csrfToken(of: request),
            "record": DashboardRows.invocation(record),
            "fields": fields.map { ["name": $0.0, "value": $0.1] },
            "log": record.log ?? "",
            "hasLog": !(record.log ?? "").isEmpty,
        ]
        return pages.page("invocation", context)
    }
}
