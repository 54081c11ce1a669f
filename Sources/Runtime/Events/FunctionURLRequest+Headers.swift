extension FunctionURLRequest {
    /// The value of a header, whatever the case of `name`; `nil` when the request has no such header.
    ///
    /// ```swift
    /// let type = request.header("Content-Type") ?? "application/octet-stream"
    /// ```
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        if let value = self.headers[name] {
            return value
        }
        return self.headers.first { $0.key.lowercased() == name }?.value
    }
}
