import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// The dashboard's templates and static files, read once from the `Invoker` target's resources
/// (`Dashboard/Resources`), and the responses made from them.
struct DashboardPages: Sendable {
    /// The headers of every page: no caching, no framing, scripts and styles from the invoker only, no referrer.
    static let securityHeaders: HTTPFields = [
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
    ]

    private let library: MustacheLibrary
    private let assets: [String: (contentType: String, body: ByteBuffer)]

    /// Reads the templates and static files from `directory` (the target's resources unless told otherwise).
    init(directory: URL? = nil) async throws {
        guard let resources = directory ?? Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw InvokerError(.configuration, "the dashboard's resources are missing beside the invoker binary")
        }
        library = try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path)
        var assets: [String: (String, ByteBuffer)] = [:]
        let folder = resources.appendingPathComponent("static")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let type = name.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8"
            assets[name] = (type, ByteBuffer(bytes: data))
        }
        self.assets = assets
    }

    /// The page `template` rendered with `context`, with `status`.
    func page(_ template: String, _ context: Any, status: HTTPResponse.Status = .ok) -> Response {
        guard let html = library.render(context, withTemplate: template) else {
            preconditionFailure("the dashboard has no template named \(template)")
        }
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page that says `message` under `title`.
    func message(_ title: String, _ message: String, status: HTTPResponse.Status) -> Response {
        page("message", ["title": title, "message": message], status: status)
    }

    /// The static file `name` (the script or the style sheet), or not found.
    func asset(named name: String) throws -> Response {
        guard let asset = assets[name] else { throw HTTPError(.notFound) }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"],
            body: ResponseBody(byteBuffer: asset.body)
        )
    }
}

extension HTTPField.Name {
    fileprivate static let referrerPolicy = Self("Referrer-Policy")!
}
