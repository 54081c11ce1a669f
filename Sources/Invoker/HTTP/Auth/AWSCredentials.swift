/// The access keys an invoker accepts on its Invoke API, read from a file in the AWS shared credentials format:
///
/// ```ini
/// [default]
/// aws_access_key_id = AKIAEXAMPLE
/// aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
/// ```
///
/// Every profile with both keys is accepted; other settings (`region`, `aws_session_token`, …) are ignored.
struct AWSCredentials: Sendable {
    /// One access key.
    struct Key: Sendable, Equatable {
        /// The profile it came from.
        var profile: String
        /// The access key id, as `Credential=` names it.
        var accessKeyID: String
        /// The secret the signatures are made with.
        var secretAccessKey: String
    }

    /// The keys, by access key id.
    let keys: [String: Key]
}
