import HTTPTypes
import Hummingbird

extension Dashboard {
    /// `GET /system/events`: the ``DashboardEventStream``, as `text/event-stream`.
    func events() -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-store",
                // Proxies such as nginx pass each event on at once rather than buffering the stream.
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: ResponseBody(asyncSequence: DashboardEventStream(dashboard: self))
        )
    }
}
