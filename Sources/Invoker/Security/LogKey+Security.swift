extension LogKey {
    /// A file or folder an entry is about.
    static let path = "file.path"
    /// Function routes an entry is about, as `METHOD /path (function)`.
    static let routes = "http.routes"
    /// The address the HTTP server listens on.
    static let host = "server.address"
}
