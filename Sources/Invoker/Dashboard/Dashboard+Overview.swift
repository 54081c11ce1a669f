import Hummingbird

extension Dashboard {
    /// How many of the newest invocations the overview and a function's page list.
    static let newestCount = 15

    /// `GET /dashboard`: every function, queue and node, and the newest invocations.
    func overview(_ request: Request) async throws -> Response {
        let snapshot = await snapshot()
        let newest = (try? await invocations.list(limit: Self.newestCount)) ?? []
        let context: [String: Any] = [
            "title": "Overview",
            "page": "overview",
            "navOverview": true,
            "csrf": csrfToken(of: request),
            "functions": snapshot.functions.map(DashboardRows.function),
            "hasFunctions": !snapshot.functions.isEmpty,
            "queues": (snapshot.queues ?? []).map(DashboardRows.queue),
            "hasQueues": !(snapshot.queues ?? []).isEmpty,
            "queuesUnavailable": snapshot.queues == nil,
            "nodes": (snapshot.nodes ?? []).map(DashboardRows.node),
            "hasNodes": snapshot.nodes != nil,
            "invocations": newest.map(DashboardRows.invocation),
            "snapshot": DashboardRows.json(snapshot),
        ]
        return pages.page("overview", context)
    }

    /// `GET /dashboard/functions/{name}`: 15 minutes of charts and the newest invocations of one function.
    func functionPage(_ request: Request, name: String) async throws -> Response {
        let snapshot = await snapshot()
        guard let function = snapshot.functions.first(where: { $0.name == name }) else {
            return pages.message("Not found", "There is no function named \(name).", status: .notFound)
        }
        let last = LiveActivity.currentSecond() - 1
        let points = activity.points(of: name, count: SeriesRing.defaultCapacity, endingAt: last)
        let newest = (try? await invocations.list(filter: InvocationFilter(function: name), limit: Self.newestCount))
        let context: [String: Any] = [
            "title": name,
            "page": "function",
            "navOverview": true,
            "csrf": csrfToken(of: request),
            "function": DashboardRows.function(function),
            "invocations": (newest ?? []).map(DashboardRows.invocation),
            "series": DashboardRows.json(points),
            "snapshot": DashboardRows.json(snapshot),
        ]
        return pages.page("function", context)
    }
}
