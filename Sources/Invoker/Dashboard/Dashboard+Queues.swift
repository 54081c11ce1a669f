import Foundation
import Hummingbird

extension Dashboard {
    /// The most dead letters listed per queue.
    static let deadLetterLimit = 100

    /// What a queue form asks for: `POST /dashboard/queues/{name}/{action}`.
    enum QueueAction: String, Sendable {
        /// Moves dead letters back to the queue: the one named by the form's `id`, or all (after confirming).
        case redrive
        /// Deletes every message of the queue (after confirming).
        case purge
        /// Deletes every dead letter of the queue (after confirming).
        case purgeDeadLetters = "purge-dead-letters"
    }

    /// `GET /dashboard/queues`: every queue with its counts and its dead letters, each with its last error, and the
    /// buttons to redrive and purge.
    func queuePage(_ request: Request) async throws -> Response {
        var problems: [String] = []
        var rows: [[String: Any]] = []
        do {
            for queue in try await queues.statistics() {
                var row = DashboardRows.queue(queue)
                let letters =
                    queue.deadLetters > 0
                    ? try await queues.deadLetters(in: queue.name, limit: Self.deadLetterLimit) : []
                row["letters"] = letters.map { letter in
                    [
                        "id": letter.id,
                        "body": letter.body.isBinary
                            ? "(\(letter.body.bytes.count) bytes of binary)"
                            : String(letter.body.eventText.prefix(200)),
                        "receives": letter.receiveCount,
                        "sent": DashboardFormat.time(Date(timeIntervalSince1970: Double(letter.sentAt) / 1000)),
                        "failed": DashboardFormat.time(Date(timeIntervalSince1970: Double(letter.failedAt) / 1000)),
                        "error": letter.lastError,
                    ] as [String: Any]
                }
                row["nameInPath"] = Self.pathComponent(queue.name)
                rows.append(row)
            }
        } catch {
            problems.append("the queues cannot be read: \(error)")
        }
        let done = request.uri.queryParameters["done"].map(String.init)
        let count = request.uri.queryParameters["count"].flatMap { Int($0) } ?? 0
        let notices = [
            "redrive": "Moved \(count) message\(count == 1 ? "" : "s") back to the queue.",
            "purge": "Deleted \(count) message\(count == 1 ? "" : "s").",
        ]
        var context: [String: Any] = [
            "title": "Queues",
            "page": "queues",
            "navQueues": true,
            "csrf": csrfToken(of: request),
            "queues": rows,
            "hasQueues": !rows.isEmpty,
            "problems": problems,
        ]
        // Left out when there is none: a section shows for any string, the empty one too.
        if let notice = done.flatMap({ notices[$0] }) { context["notice"] = notice }
        return pages.page("queues", context, status: problems.isEmpty ? .ok : .serviceUnavailable)
    }

    /// `POST /dashboard/queues/{name}/{action}`: checks the CSRF token, asks to confirm a purge or a redrive of
    /// all, then acts and goes back to the queues.
    func queueAction(_ request: Request, queue: String, action name: String) async throws -> Response {
        let form = try await DashboardForm(request)
        guard let grant = access.grant(for: request), DashboardAccess.isCSRFValid(form.fields, for: grant) else {
            return pages.message(
                "Forbidden",
                "The form was not sent by this dashboard (its CSRF token is missing or wrong). Reload the page and try"
                    + " again.",
                status: .forbidden
            )
        }
        guard let action = QueueAction(rawValue: name) else {
            return pages.message("Not found", "There is no queue action \(name).", status: .notFound)
        }
        let id = form["id"].flatMap { $0.isEmpty ? nil : $0 }
        if form["confirmed"] != "yes", action != .redrive || id == nil {
            let questions: [QueueAction: String] = [
                .redrive: "Move every dead letter of \(queue) back to the queue?",
                .purge: "Delete every message of \(queue), leased ones too? This cannot be undone.",
                .purgeDeadLetters: "Delete every dead letter of \(queue)? This cannot be undone.",
            ]
            let context: [String: Any] = [
                "title": "Confirm",
                "page": "confirm",
                "navQueues": true,
                "csrf": csrfToken(of: request),
                "question": questions[action]!,
                "action": "/dashboard/queues/\(Self.pathComponent(queue))/\(action.rawValue)",
            ]
            return pages.page("confirm", context)
        }
        let count: Int
        do {
            switch action {
            case .redrive: count = try await queues.redrive(queue, ids: id.map { [$0] })
            case .purge: count = try await queues.purge(queue, deadLetters: false)
            case .purgeDeadLetters: count = try await queues.purge(queue, deadLetters: true)
            }
        } catch let error as QueueError {
            return pages.message("Not done", error.description, status: .badRequest)
        }
        let done = action == .redrive ? "redrive" : "purge"
        return Response(
            status: .seeOther,
            headers: [.location: "/dashboard/queues?done=\(done)&count=\(count)", .cacheControl: "no-store"]
        )
    }

    /// `text` percent-encoded for one path component.
    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? text
    }
}
