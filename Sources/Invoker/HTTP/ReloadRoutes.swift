import Foundation
import Hummingbird

/// The admin API's `POST /system/reload`: reloads as SIGHUP does (the `--api-keys` file, the manifest and the worker
/// binary) and answers `200` with the ``ReloadReport``, whose `reloaded` is false (with the `error`) when the reload
/// was refused and the previous version serves on.
struct ReloadRoutes: Sendable {
    /// Runs one reload.
    let reload: @Sendable () async -> ReloadReport

    /// Adds the route to `admin`, the group that requires the admin key.
    func register(on admin: some RouterMethods<InvokerRequestContext>) {
        admin.post("/system/reload") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = try encoder.encode(await reload())
            return Response.json(status: .ok, String(decoding: body, as: UTF8.self))
        }
    }
}
