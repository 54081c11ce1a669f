extension ManifestObject {
    /// The boolean member `key`, or nil when absent.
    func bool(_ key: String) throws -> Bool? {
        switch members[key] {
        case nil: return nil
        case .bool(let value): return value
        case let other?: throw error(key, "must be true or false, got \(other.description)")
        }
    }
}
