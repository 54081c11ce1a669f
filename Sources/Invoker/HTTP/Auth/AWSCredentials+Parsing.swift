import Foundation

extension AWSCredentials {
    /// Reads the credentials file at `path`; a file that cannot be read, has no complete profile, or has a line that
    /// is not a section, a `name = value` setting or a comment is an error naming the file and the line.
    init(contentsOf path: String) throws(InvokerError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw InvokerError(
                .configuration,
                "\(path): cannot read the credentials file (\(error.localizedDescription))"
            )
        }
        try self.init(parsing: text, path: path)
    }

    /// Reads credentials from `text`; `path` names it in errors.
    init(parsing text: String, path: String) throws(InvokerError) {
        var profiles: [(name: String, settings: [String: String])] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                var name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("profile ") { name = String(name.dropFirst("profile ".count)) }
                profiles.append((name, [:]))
                continue
            }
            guard let equals = line.firstIndex(of: "="), !profiles.isEmpty else {
                throw InvokerError(
                    .configuration,
                    "\(path), line \(index + 1): expected \"[profile]\" or \"name = value\", found \"\(line)\""
                )
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            profiles[profiles.count - 1].settings[name] = value
        }
        var keys: [String: Key] = [:]
        for profile in profiles {
            guard let id = profile.settings["aws_access_key_id"], !id.isEmpty,
                let secret = profile.settings["aws_secret_access_key"], !secret.isEmpty
            else { continue }
            keys[id] = Key(profile: profile.name, accessKeyID: id, secretAccessKey: secret)
        }
        guard !keys.isEmpty else {
            throw InvokerError(
                .configuration,
                "\(path): no profile has both aws_access_key_id and aws_secret_access_key"
            )
        }
        self.keys = keys
    }
}
